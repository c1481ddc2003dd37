// The TypeScript compiler's work of a cache miss, in a worker thread (see derive-in-worker.ts): the
// compiler and its program (tens of MB of heap) live in the worker's own isolate, which goes away with it.
import { parentPort, workerData } from 'node:worker_threads'
import { ServalError } from '../errors/index.ts'
import { deriveFiles, type FileToDerive } from './derive-files.ts'

try {
  parentPort?.postMessage({ entries: deriveFiles(workerData as FileToDerive[]) })
} catch (error) {
  const e = error as Error
  parentPort?.postMessage(error instanceof ServalError ? { refused: { title: error.title, detail: error.detail } } : { crashed: e?.stack ?? String(error) })
}
