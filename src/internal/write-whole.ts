import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'

/** How a file is written whole. */
export interface WriteWholeOptions {
  /** The file's permissions when it is created (default 0o666 less the umask). */
  readonly mode?: number
  /** Flush the bytes to disk before the rename, so a power cut cannot leave an empty file (default false: a crash of the process alone never can). */
  readonly durable?: boolean
}

// Unique per write, so two writes of one file in one process never share a temporary file; `.tmp` lets sweeps spot leftovers.
let writes = 0
const temporary = (file: string) => `${file}.${process.pid}.${++writes}.tmp`

/**
 * Writes a file whole or not at all: a temporary file beside it, renamed
 * over it, so a reader (or the next start after a crash) sees the old
 * content or the new, never half. A failed write removes its temporary
 * file and leaves the old content.
 *
 * @example
 * ```ts
 * await writeWhole(join(dataDir, 'runtime-config.json'), text, { durable: true })
 * ```
 */
export async function writeWhole(file: string, data: string | Uint8Array, options: WriteWholeOptions = {}): Promise<void> {
  const tmp = temporary(file)
  try {
    const handle = await open(tmp, 'w', options.mode)
    try {
      await handle.writeFile(data)
      if (options.durable) await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

/**
 * `writeWhole` for the code that runs at startup or on a timer and is
 * synchronous there (a small file, written rarely).
 *
 * @example
 * ```ts
 * writeWholeSync(join(dir, 'next-runs.json'), JSON.stringify(runs))
 * ```
 */
export function writeWholeSync(file: string, data: string | Uint8Array, options: Pick<WriteWholeOptions, 'mode'> = {}): void {
  const tmp = temporary(file)
  try {
    writeFileSync(tmp, data, options.mode === undefined ? {} : { mode: options.mode })
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
}
