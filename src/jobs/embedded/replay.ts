import type { JournalFs } from './journal-fs.ts'

const NEWLINE = 0x0a

/** What a replay found. */
export interface Replayed {
  /** Bytes up to the end of the last complete line: what follows is a torn write. */
  readonly validBytes: number
  /** Complete lines that were not JSON. */
  readonly skipped: number
}

/**
 * Reads a JSON-lines file as a stream of fixed-size chunks, calling
 * `onRecord` for each complete line, so no single string holds the whole
 * file (V8 caps one at about 512 MiB). Lines are split on bytes, so a
 * UTF-8 character cut by a chunk boundary is read whole.
 *
 * @example
 * ```ts
 * const { validBytes } = replay(nodeJournalFs, fd, (record) => apply(record))
 * ```
 */
export function replay(fs: JournalFs, fd: number, onRecord: (record: unknown) => void, chunkBytes = 1 << 16): Replayed {
  const chunk = Buffer.allocUnsafe(chunkBytes)
  let carry: Buffer[] = []
  let position = 0
  let validBytes = 0
  let skipped = 0
  for (let n = fs.read(fd, chunk, 0); n > 0; position += n, n = fs.read(fd, chunk, position)) {
    const bytes = chunk.subarray(0, n)
    let start = 0
    for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      const line = carry.length ? Buffer.concat([...carry, bytes.subarray(start, nl)]) : bytes.subarray(start, nl)
      carry = []
      if (!parseLine(line, onRecord)) skipped++
      start = nl + 1
      validBytes = position + start
    }
    if (start < n) carry.push(Buffer.from(bytes.subarray(start)))
  }
  return { validBytes, skipped }
}

/** False for a line that is not JSON; an empty line is fine. */
function parseLine(line: Buffer, onRecord: (record: unknown) => void): boolean {
  if (line.length === 0) return true
  let record: unknown
  try {
    record = JSON.parse(line.toString('utf8'))
  } catch {
    return false
  }
  onRecord(record)
  return true
}
