export { createApp, type App, type AppOptions } from './app.ts'
export type { Extension } from './extension.ts'
export { loadApp, type LoadAppOptions } from './load.ts'
