import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { pino, type Logger } from 'pino'

/** `import { action } from …` for action files written outside the repo. */
export const SERVAL = pathToFileURL(resolve('src/index.ts')).href
export const ZOD = pathToFileURL(resolve('node_modules/zod/index.js')).href

/** A temp dir with files written into it; `cleanup()` removes it. */
export function scratch(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), `serval-${prefix}-`))
  return {
    root,
    path: (...parts: string[]) => join(root, ...parts),
    write(rel: string, text: string) {
      writeFileSync(join(root, rel), text)
      return join(root, rel)
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** A logger whose lines a test can read, and wait for. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[]; next(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const lines: Record<string, unknown>[] = []
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        for (const w of waiters.splice(0)) {
          if (w.match(line)) w.resolve(line)
          else waiters.push(w)
        }
      }
      done()
    },
  })
  return {
    logger: pino({ level: 'info' }, stream),
    lines,
    next: (match) => new Promise((resolve) => waiters.push({ match, resolve })),
  }
}

/** A promise the test resolves: the slow handler of an action file awaits `globalThis[name]`. */
export function gate(name: string): { open(): void; entered: Promise<void> } {
  let open!: () => void
  let entered!: () => void
  const g = globalThis as Record<string, unknown>
  g[name] = new Promise<void>((resolve) => (open = resolve))
  g[`${name}Entered`] = () => entered()
  return { open: () => open(), entered: new Promise((resolve) => (entered = resolve)) }
}
