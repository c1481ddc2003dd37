import { watch, type FSWatcher } from 'node:fs'
import { join, resolve, sep } from 'node:path'

/** What `watchDirs` reports: the absolute paths that changed since the last report. */
export type ChangeListener = (files: string[]) => void

const IGNORED = new RegExp(`(?:^|[\\\\/])(?:node_modules|\\.[^\\\\/]*)(?:[\\\\/]|$)`)

/**
 * Watches directories recursively (fs.watch: inotify on Linux, FSEvents on
 * macOS; recursive on Linux since Node 20) and reports the changed files in
 * one call per burst: editors write a file in several steps, and a
 * `git checkout` changes many at once. Dot-folders and node_modules are
 * ignored. Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = watchDirs(['examples'], (files) => console.log(files), 50)
 * ```
 */
export function watchDirs(dirs: readonly string[], onChange: ChangeListener, debounceMs = 50): () => void {
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
      if (rel && IGNORED.test(rel)) return
      pending.add(rel ? join(root, rel) : root + sep)
      clearTimeout(timer)
      timer = setTimeout(flush, debounceMs)
    })
  })
  return () => {
    clearTimeout(timer)
    for (const w of watchers) w.close()
  }
}
