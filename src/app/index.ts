export { createApp, type App, type AppOptions } from './app.ts'
export type { Extension, Route, RouteMethod, RouteRequest, RouteResponse } from './extension.ts'
export { loadApp, type LoadAppOptions } from './load.ts'
