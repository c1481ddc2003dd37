import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { hashPasswordCommand } from '../../src/cli/commands/hash-password.ts'
import { passwordHashKind, verifyPassword } from '../../src/auth/passwords.ts'
import { runCli } from '../support/cli.ts'

describe('serval hash-password', () => {
  it('prints an argon2id hash of the password on stdin (one trailing newline dropped), or scrypt with --scrypt; exits 2 on empty input', async () => {
    // The two processes start together: the CLI's startup is most of the time.
    const [argon, scrypt, empty] = await Promise.all([runCli(['hash-password'], { input: 'correct horse\n' }), inProcess({ scrypt: true }, 'correct horse'), runCli(['hash-password'], { input: '' })])
    expect(empty.code).toBe(2)
    expect(empty.stdout).toBe('')
    expect(empty.stderr).toMatch(/no password on stdin/)
    expect(argon.code).toBe(0)
    const hash = argon.stdout.trim()
    expect(passwordHashKind(hash)).toBe('argon2id')
    expect(await verifyPassword(hash, 'correct horse')).toBe(true)
    expect(await verifyPassword(hash, 'correct horse\n')).toBe(false)
    expect(scrypt.code).toBe(0)
    expect(passwordHashKind(scrypt.stdout.trim())).toBe('scrypt')
    expect(await verifyPassword(scrypt.stdout.trim(), 'correct horse')).toBe(true)
    expect(await verifyPassword(scrypt.stdout.trim(), 'correct horsE')).toBe(false)
  })

  it('on a terminal, reads in raw mode and echoes nothing of the password (backspace edits)', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[], setRawMode(mode: boolean) { stdin.modes.push(mode); return stdin } })
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    const printed = (stream: PassThrough) => { let text = ''; stream.on('data', (d) => (text += d)); return () => text }
    const [out, err] = [printed(stdout), printed(stderr)]
    const done = hashPasswordCommand({}, { stdin: stdin as never, stdout, stderr })
    stdin.write('s3cx\u007fret\r')
    expect(await done).toBe(0)
    expect(stdin.modes).toEqual([true, false])
    expect(err()).toBe('Password: \n')
    expect(await verifyPassword(out().trim(), 's3cret')).toBe(true)
  })
})

/** The command in-process on a piped (not terminal) stdin: what a shell pipe gives it. */
async function inProcess(opts: { scrypt?: boolean }, input: string): Promise<{ code: number; stdout: string }> {
  const stdin = new PassThrough()
  const stdout = new PassThrough()
  let text = ''
  stdout.on('data', (d) => (text += d))
  stdin.end(input)
  const code = await hashPasswordCommand(opts, { stdin: stdin as never, stdout, stderr: new PassThrough() })
  return { code, stdout: text }
}
