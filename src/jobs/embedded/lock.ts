import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { ServalError } from '../../errors/index.ts'

/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>()

/**
 * Takes `path` as a lock file holding this process's pid: one process owns
 * a data_dir's job journal. A lock left by a dead process (kill -9) is
 * taken over. Returns the release function.
 *
 * @example
 * ```ts
 * const release = acquireLock('.serval/jobs/lock')
 * release()
 * ```
 */
export function acquireLock(path: string): () => void {
  if (held.has(path)) throw lockedError(path, process.pid)
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      held.add(path)
      return () => release(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = ownerOf(path)
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw lockedError(path, owner)
      // A stale lock: its process is gone (or it was this pid in an earlier life, as pid 1 in a container).
      unlinkSync(path)
    }
  }
  throw lockedError(path, ownerOf(path) ?? 0)
}

function release(path: string): void {
  held.delete(path)
  try {
    if (ownerOf(path) === process.pid) unlinkSync(path)
  } catch {
    // Already gone: nothing to release.
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const LOCKED_TITLE = 'Job store in use'

/**
 * True for the error `acquireLock` throws when another live process holds the lock.
 *
 * @example
 * ```ts
 * try { acquireLock(path) } catch (e) { if (isLockedError(e)) retryLater() }
 * ```
 */
export function isLockedError(error: unknown): boolean {
  return error instanceof ServalError && error.title === LOCKED_TITLE
}

function lockedError(path: string, pid: number): ServalError {
  return new ServalError('unavailable', {
    title: LOCKED_TITLE,
    detail: `The job journal is in use by process ${pid} (${path}); one process owns a data_dir. Use its HTTP API, give this process another --data-dir, or set redis_url to share jobs`,
  })
}
