import { Worker } from 'node:worker_threads'
import { ServalError } from '../errors/index.ts'
import type { CacheEntry } from './cache.ts'
import type { FileToDerive } from './derive-files.ts'

// The built worker is .js. Run from the sources (tsx, vitest) it is .ts, and a worker thread does not
// inherit the process's loader hooks: it registers tsx's itself before importing the worker.
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const WORKER = new URL(`./derive-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)

/**
 * Runs `deriveFiles` in a worker thread and hands back its entries. The
 * compiler is only ever loaded there: once the worker ends, its isolate's
 * heap is returned, so a first start (or a `serval dev` reload that derives
 * again) idles with the memory of a cached one. A refusal comes back as
 * the same `bad-request` ServalError the derivation threw.
 *
 * @example
 * ```ts
 * const entries = await deriveInWorker([{ file: '/abs/actions/greet.ts', actions: [{ exportName: 'greet', label: 'action "greet"' }] }])
 * ```
 */
export function deriveInWorker(files: readonly FileToDerive[]): Promise<Record<string, CacheEntry>> {
  return new Promise((resolve, reject) => {
    const worker = FROM_SOURCE ? new Worker(throughTsx(WORKER), { eval: true, workerData: files }) : new Worker(WORKER, { workerData: files })
    let answered = false
    worker.once('message', (m: { entries?: Record<string, CacheEntry>; refused?: { title: string; detail?: string }; crashed?: string }) => {
      answered = true
      if (m.entries) resolve(m.entries)
      else if (m.refused) reject(new ServalError('bad-request', { title: m.refused.title, ...(m.refused.detail === undefined ? {} : { detail: m.refused.detail }) }))
      else reject(new Error(`Deriving schemas from types failed: ${m.crashed ?? 'no answer'}`))
    })
    worker.once('error', (error) => reject(error))
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`Deriving schemas from types failed: its worker exited with code ${code}`))
    })
  })
}

/** A worker script that registers tsx's loader, then imports the TypeScript worker. */
function throughTsx(worker: URL): string {
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker.href)}) })`
}
