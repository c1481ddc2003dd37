export { buildAsyncApi } from './document.ts'
