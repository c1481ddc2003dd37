// The extension seam, by the name capabilities import it under. It lives in
// types.ts beside App, which it refers to (one module, no import cycle).
export type { Extension, SecurityContext } from './types.ts'
export type { Route, RouteMethod, RouteRequest, RouteResponse } from './route.ts'
