import * as fs from 'node:fs'
import { promisify } from 'node:util'

/**
 * The file operations the journal makes, as one object, so a test can
 * fail a write half-way (ENOSPC) or check that every write is synced
 * before a commit resolves. Sync calls are the small appends of the hot
 * path; the async ones are compaction's, kept off the event loop.
 *
 * @example
 * ```ts
 * const failing: JournalFs = { ...nodeJournalFs, write: () => { throw Object.assign(new Error('full'), { code: 'ENOSPC' }) } }
 * ```
 */
export interface JournalFs {
  exists(path: string): boolean
  unlink(path: string): void
  open(path: string, flags: 'r' | 'a+' | 'w'): number
  close(fd: number): void
  /** Reads into `into` from `position`; 0 at the end. */
  read(fd: number, into: Buffer, position: number): number
  /** Writes `bytes` from `offset` at the end of the file; returns how many it wrote (maybe fewer). */
  write(fd: number, bytes: Uint8Array, offset: number): number
  truncate(fd: number, size: number): void
  datasync(fd: number): Promise<void>
  /** Writes `bytes` from `offset` at `position` off the event loop; returns how many it wrote. */
  writeAt(fd: number, bytes: Uint8Array, offset: number, position: number): Promise<number>
  fsync(fd: number): Promise<void>
  rename(from: string, to: string): Promise<void>
  /** Makes a rename in `dir` durable. */
  syncDir(dir: string): Promise<void>
  /** Which file an open descriptor is (device and inode). */
  identity(fd: number): string
  /** Which file `path` names now, or undefined when there is none. */
  identityOf(path: string): string | undefined
}

const datasync = promisify(fs.fdatasync)
const fsync = promisify(fs.fsync)
const writeAsync = promisify(fs.write)

/**
 * The real file system.
 *
 * @example
 * ```ts
 * Journal.open(path, { snapshot, onRecord, fs: nodeJournalFs })
 * ```
 */
export const nodeJournalFs: JournalFs = {
  exists: (path) => fs.existsSync(path),
  unlink: (path) => fs.unlinkSync(path),
  open: (path, flags) => fs.openSync(path, flags),
  close: (fd) => fs.closeSync(fd),
  read: (fd, into, position) => fs.readSync(fd, into, 0, into.length, position),
  write: (fd, bytes, offset) => fs.writeSync(fd, bytes, offset),
  truncate: (fd, size) => fs.ftruncateSync(fd, size),
  datasync: (fd) => datasync(fd),
  writeAt: async (fd, bytes, offset, position) => (await writeAsync(fd, bytes, offset, bytes.length - offset, position)).bytesWritten,
  fsync: (fd) => fsync(fd),
  rename: (from, to) => fs.promises.rename(from, to),
  syncDir: async (dir) => {
    const handle = await fs.promises.open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
  identity: (fd) => key(fs.fstatSync(fd)),
  identityOf: (path) => {
    const stat = fs.statSync(path, { throwIfNoEntry: false })
    return stat && key(stat)
  },
}

function key(stat: fs.Stats): string {
  return `${stat.dev}:${stat.ino}`
}
