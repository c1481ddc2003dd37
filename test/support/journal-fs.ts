import { nodeJournalFs, type JournalFs } from '../../src/jobs/embedded/journal-fs.ts'

/** One call the journal made. */
export type FsEvent = { readonly call: 'write' | 'datasync' | 'truncate' | 'writeAt' | 'fsync' | 'rename' | 'read'; readonly fd: number; readonly bytes: number }

/**
 * A `JournalFs` over the real one that records every call and can fail
 * one: the test seam for durability (was each write synced before its
 * commit resolved?) and for a full disk.
 *
 * @example
 * ```ts
 * const fs = recordingFs()
 * fs.failWrite(3) // the 3rd write writes half its bytes, then fails with ENOSPC
 * Journal.open(path, { snapshot, onRecord, fs })
 * ```
 */
export interface RecordingFs extends JournalFs {
  readonly events: FsEvent[]
  /** Makes the nth write from now write half its bytes, then throw ENOSPC. */
  failWrite(nth: number): void
  /** Makes the next datasync fail with EIO (after the data reached the file). */
  failSync(): void
  /** True when some write to `fd` has no datasync after it yet. */
  unsynced(fd?: number): boolean
}

/**
 * Builds a recording fs (see `RecordingFs`).
 *
 * @example
 * ```ts
 * const fs = recordingFs()
 * ```
 */
export function recordingFs(base: JournalFs = nodeJournalFs): RecordingFs {
  const events: FsEvent[] = []
  let writesLeft = 0
  let syncFails = false
  const log = (call: FsEvent['call'], fd: number, bytes = 0) => events.push({ call, fd, bytes })
  return {
    ...base,
    events,
    failWrite: (nth) => void (writesLeft = nth),
    failSync: () => void (syncFails = true),
    unsynced: (fd) => {
      const mine = events.filter((e) => (fd === undefined || e.fd === fd) && (e.call === 'write' || e.call === 'datasync'))
      return mine.length > 0 && mine[mine.length - 1]!.call === 'write'
    },
    read: (fd, into, position) => {
      const n = base.read(fd, into, position)
      log('read', fd, n)
      return n
    },
    write: (fd, bytes, offset) => {
      if (writesLeft > 0 && --writesLeft === 0) {
        const half = Math.max(1, Math.floor((bytes.length - offset) / 2))
        log('write', fd, base.write(fd, bytes.subarray(0, offset + half), offset))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      }
      const n = base.write(fd, bytes, offset)
      log('write', fd, n)
      return n
    },
    datasync: async (fd) => {
      if (syncFails) {
        syncFails = false
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
      }
      await base.datasync(fd)
      log('datasync', fd)
    },
    truncate: (fd, size) => {
      base.truncate(fd, size)
      log('truncate', fd, size)
    },
    writeAt: async (fd, bytes, offset, position) => {
      const n = await base.writeAt(fd, bytes, offset, position)
      log('writeAt', fd, n)
      return n
    },
    fsync: async (fd) => {
      await base.fsync(fd)
      log('fsync', fd)
    },
    rename: async (from, to) => {
      await base.rename(from, to)
      log('rename', -1)
    },
  }
}
