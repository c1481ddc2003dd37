export { resultsExtension, resultsOf } from './extension.ts'
export { FileResultStore, type ResultStore, type StoredResult } from './store.ts'
export { RedisResultStore } from './redis-store.ts'
