export { resultsExtension, resultsOf } from './extension.ts'
export { ResultStore, type StoredResult } from './store.ts'
