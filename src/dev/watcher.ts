import { watch, type FSWatcher } from 'node:fs'
import { join, resolve, sep } from 'node:path'

/** What `watchDirs` reports: the absolute paths that changed since the last report. */
export type ChangeListener = (files: string[]) => void

/** What `watchDirs` watches beyond the dirs. */
export interface WatchOptions {
  /** Quiet time after a change before reporting (default 50 ms). */
  readonly debounceMs?: number
  /** Directories whose changes are not reported (the data_dir inside a function dir: jobs write there). */
  readonly ignore?: readonly string[]
}

/** Files a reload reads: modules, and the JSON they import. The journal, logs and editors' swap files are not. */
const SOURCE = /\.(?:[cm]?[jt]s|json)$/

const IGNORED = new RegExp(`(?:^|[\\\\/])(?:node_modules|\\.[^\\\\/]*)(?:[\\\\/]|$)`)

/**
 * Watches directories recursively (fs.watch: inotify on Linux, FSEvents on
 * macOS; recursive on Linux since Node 20) and reports the changed files in
 * one call per burst: editors write a file in several steps, and a
 * `git checkout` changes many at once. Dot-folders and node_modules are
 * ignored, and so is every file that is not a module or JSON. Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = watchDirs(['examples'], (files) => console.log(files), { ignore: ['.serval'] })
 * ```
 */
export function watchDirs(dirs: readonly string[], onChange: ChangeListener, options: WatchOptions = {}): () => void {
  const debounceMs = options.debounceMs ?? 50
  const ignore = (options.ignore ?? []).map((d) => resolve(d) + sep)
  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    const files = [...pending]
    pending.clear()
    onChange(files)
  }
  const watchers: FSWatcher[] = dirs.map((dir) => {
    const root = resolve(dir)
    return watch(root, { recursive: true }, (_event, name) => {
      const rel = name === null ? '' : String(name)
      if (rel && (IGNORED.test(rel) || !SOURCE.test(rel))) return
      const file = rel ? join(root, rel) : root + sep
      if (ignore.some((d) => file.startsWith(d))) return
      pending.add(file)
      clearTimeout(timer)
      timer = setTimeout(flush, debounceMs)
    })
  })
  return () => {
    clearTimeout(timer)
    for (const w of watchers) w.close()
  }
}
