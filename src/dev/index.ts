export { startDevServer, type DevServer, type DevServerOptions } from './dev-server.ts'
export { Reloader, type ReloadResult, type ReloaderOptions } from './reload.ts'
export { watchDirs, type ChangeListener } from './watcher.ts'
export { nextGeneration, registerFreshImports } from './fresh-imports.ts'
