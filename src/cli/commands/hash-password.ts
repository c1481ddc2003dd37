import { hashPassword } from '../../auth/passwords.ts'
import { CliExit, EXIT } from '../context.ts'

/** What `serval hash-password` reads and writes, replaceable in tests. */
export interface HashPasswordIo {
  readonly stdin: NodeJS.ReadStream
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
}

const MAX_PASSWORD = 1024

/**
 * `serval hash-password [--scrypt]`: reads one password from stdin
 * (typed without echo on a terminal; else the whole input, one trailing
 * newline dropped) and prints its argon2id hash (scrypt with `--scrypt`)
 * for a `basic_users_file`. Empty input is bad usage (exit 2).
 *
 * @example
 * ```sh
 * printf %s "$PASSWORD" | serval hash-password
 * ```
 */
export async function hashPasswordCommand(opts: { scrypt?: boolean }, io: HashPasswordIo = process): Promise<number> {
  const password = io.stdin.isTTY ? await readHidden(io) : dropNewline(await readAll(io.stdin))
  if (password === '') throw new CliExit(EXIT.usage, 'hash-password: no password on stdin')
  if (password.length > MAX_PASSWORD) throw new CliExit(EXIT.usage, `hash-password: the password is longer than ${MAX_PASSWORD} characters`)
  io.stdout.write(`${await hashPassword(password, opts.scrypt ? 'scrypt' : 'argon2id')}\n`)
  return EXIT.ok
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

function dropNewline(text: string): string {
  return text.replace(/\r?\n$/, '')
}

/** Reads a line from a terminal in raw mode, echoing nothing; Ctrl-C or Ctrl-D on an empty line gives up. */
function readHidden(io: HashPasswordIo): Promise<string> {
  const { stdin } = io
  io.stderr.write('Password: ')
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  return new Promise((resolve) => {
    let typed = ''
    const finish = (value: string) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      io.stderr.write('\n')
      resolve(value)
    }
    const onData = (text: string) => {
      for (const c of text) {
        if (c === '\r' || c === '\n') return finish(typed)
        if (c === '\u0003' || (c === '\u0004' && typed === '')) return finish('')
        typed = c === '\u007f' || c === '\b' ? typed.slice(0, -1) : typed + c
      }
    }
    stdin.on('data', onData)
    stdin.resume()
  })
}
