import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServalError } from '../../errors/index.ts'
import { acquireLock, isLockedError } from './lock.ts'
import { ROOT } from '../../../test/support/cli.ts'

const HOLD = join(ROOT, 'test/fixtures/lock/hold.ts')

let dir: string
let path: string
const children: ChildProcess[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-lock-'))
  path = join(dir, 'lock')
})
afterEach(async () => {
  await Promise.all(children.splice(0).map(kill))
  rmSync(dir, { recursive: true, force: true })
})

/** A child process that takes the lock on "go"; `next()` is its next output line. */
function holder(): { child: ChildProcess; next: () => Promise<string>; go: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD, path], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  children.push(child)
  const lines: string[] = []
  const waiting: ((line: string) => void)[] = []
  let buffer = ''
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      const waiter = waiting.shift()
      if (waiter) waiter(line)
      else lines.push(line)
    }
  })
  const next = () => new Promise<string>((resolve, reject) => {
    const line = lines.shift()
    if (line !== undefined) return resolve(line)
    waiting.push(resolve)
    child.once('exit', () => reject(new Error('the lock holder exited')))
  })
  return { child, next, go: () => child.stdin!.write('go\n') }
}

async function held(): Promise<ChildProcess> {
  const h = holder()
  expect(await h.next()).toBe('ready')
  h.go()
  expect(await h.next()).toBe('held')
  return h.child
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

function refusal(): unknown {
  try {
    acquireLock(path)()
  } catch (error) {
    return error
  }
  return undefined
}

describe('acquireLock', () => {
  it('holds the lock, refuses a second open in the same process, and can be taken again once released', () => {
    const release = acquireLock(path)
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid))
    expect(() => acquireLock(path)).toThrow(/in use by process/)
    release()
    acquireLock(path)()
  })

  it('refuses a lock another process holds, even when the file names this very pid (pid 1 in two containers)', async () => {
    await held()
    writeFileSync(path, String(process.pid))
    expect(isLockedError(refusal())).toBe(true)
  })

  it('refuses a lock another process holds whose file is empty (not "stale")', async () => {
    await held()
    truncateSync(path, 0)
    expect(isLockedError(refusal())).toBe(true)
  })

  it('is free again once its holder is killed with SIGKILL', async () => {
    const child = await held()
    expect(isLockedError(refusal())).toBe(true)
    await kill(child)
    expect(refusal()).toBeUndefined()
  })

  it('gives exactly one holder when six processes race for a lock left by a dead process', async () => {
    for (let trial = 0; trial < 3; trial++) {
      writeFileSync(path, '999999999') // what a dead process (or one in another pid namespace) left
      const racers = Array.from({ length: 6 }, holder)
      for (const r of racers) expect(await r.next()).toBe('ready')
      for (const r of racers) r.go()
      const outcomes = await Promise.all(racers.map((r) => r.next()))
      expect(outcomes.filter((o) => o === 'held'), `trial ${trial}: ${outcomes.join(', ')}`).toHaveLength(1)
      expect(outcomes.filter((o) => o !== 'held').every((o) => o === 'refused')).toBe(true)
      await Promise.all(racers.map((r) => kill(r.child)))
    }
  }, 60_000)

  it('names the holder from its file (trimmed), or "another process" when the file is empty', () => {
    const release = acquireLock(path)
    writeFileSync(path, ' 4242\n')
    expect(refusal()).toMatchObject({ status: 503, title: 'Job store in use', detail: expect.stringContaining(`in use by process 4242 (${path})`) })
    truncateSync(path, 0)
    expect(refusal()).toMatchObject({ detail: expect.stringContaining(`in use by another process (${path})`) })
    release()
  })

  it("writes its own pid over what a dead holder left", () => {
    writeFileSync(path, '999999999')
    const release = acquireLock(path)
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid))
    release()
  })

  it('releasing twice is harmless (the second call closes nothing)', () => {
    const release = acquireLock(path)
    release()
    const other = acquireLock(path)
    expect(() => release()).not.toThrow()
    expect(() => acquireLock(path)).toThrow(/in use/) // the second release did not drop the new holder's lock
    other()
  })

  it('a refused lock leaves no file open', () => {
    const release = acquireLock(path)
    const fds = readdirSync('/proc/self/fd').length
    for (let i = 0; i < 5; i++) expect(isLockedError(refusal())).toBe(true)
    expect(readdirSync('/proc/self/fd')).toHaveLength(fds)
    release()
  })

  it('isLockedError is true only for the lock refusal', () => {
    expect(isLockedError(new ServalError('unavailable', { detail: 'The job runner is stopping' }))).toBe(false)
    expect(isLockedError(Object.assign(new Error('x'), { title: 'Job store in use' }))).toBe(false)
    expect(isLockedError(undefined)).toBe(false)
  })
})
