// The package ships no types: the reference brings ours into any program that type-checks this
// file (a user project too), which an ambient .d.ts alone would not.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./fs-native-extensions.d.ts" />
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import nativeFs from 'fs-native-extensions'
import { ServalError } from '../../errors/index.ts'

/**
 * Takes an exclusive OS lock on `path` (an open-file-description lock,
 * `F_OFD_SETLK` on Linux, `flock` on macOS): one process owns a data_dir's
 * job journal. The kernel drops the lock when its holder dies (even
 * `kill -9`), so there is no staleness to guess from pids, and two
 * containers that are both pid 1 cannot both hold it. A second open in the
 * same process is refused too (the lock belongs to the open file, not to
 * the pid). The file is never unlinked: removing a locked file would let
 * a newcomer lock a fresh inode beside the old holder. Its content (the
 * holder's pid) is for people, never read to decide anything.
 * Returns the release function.
 *
 * @example
 * ```ts
 * const release = acquireLock('.serval/jobs/lock')
 * release()
 * ```
 */
export function acquireLock(path: string): () => void {
  const fd = openSync(path, 'a+')
  let locked = false
  try {
    locked = nativeFs.tryLock(fd)
  } finally {
    if (!locked) closeSync(fd)
  }
  if (!locked) throw lockedError(path)
  ftruncateSync(fd, 0)
  writeSync(fd, String(process.pid), 0)
  let released = false
  return () => {
    if (released) return
    released = true
    closeSync(fd) // closing the last descriptor of the open file drops the lock
  }
}

/** What the lock file says about its holder (its pid), for messages only. */
function lockHolder(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
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

function lockedError(path: string): ServalError {
  const holder = lockHolder(path)
  return new ServalError('unavailable', {
    title: LOCKED_TITLE,
    detail: `The job journal is in use by ${holder ? `process ${holder}` : 'another process'} (${path}); one process owns a data_dir. Use its HTTP API, give this process another --data-dir, or set redis_url to share jobs`,
  })
}
