import { extname } from 'node:path'

const TS = new Set(['.ts', '.mts', '.cts'])
let ready: Promise<void> | undefined

/**
 * Registers tsx before the first TypeScript file is imported, and only
 * then: its loader hooks slow every later import, so Serval's own (compiled)
 * modules are all loaded first. Under a runner that already loads TypeScript
 * (vitest, `node --import tsx`) nothing is registered.
 *
 * @example
 * ```ts
 * await ensureTypeScript('actions/hello.ts')
 * await import(url)
 * ```
 */
export function ensureTypeScript(file: string): Promise<void> {
  if (!TS.has(extname(file)) || alreadyLoadsTypeScript()) return Promise.resolve()
  return (ready ??= import('tsx/esm/api').then(({ register }) => void register()))
}

function alreadyLoadsTypeScript(): boolean {
  if (process.env.VITEST || process.env.SERVAL_FROM_SOURCE === '1') return true
  return process.execArgv.some((arg) => arg.includes('tsx')) || import.meta.url.endsWith('.ts')
}
