import type { FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { RecorderOf, RequestRecorder } from './in-flight.ts'

/**
 * The request recorders of the extensions that observe requests (metrics),
 * one per action route and one for everything else (`''`, unmatched URLs and
 * non-action routes alike, so the label set stays bounded). Each is asked
 * for once, at startup; a request reads no label text. An action's handler
 * names its recorder on the request's in-flight entry; `of` finds it for a
 * request answered before its handler ran. Undefined when nothing observes.
 *
 * @example
 * ```ts
 * const recorders = requestRecorders(app)
 * trackRequest(app, inFlight, request, reply, recorders?.of)
 * ```
 */
export function requestRecorders(app: App): RequestRecorders | undefined {
  const observers = app.extensions.flatMap((ext) => (ext.observer?.requests ? [ext.observer] : []))
  if (observers.length === 0) return undefined
  const recorderFor = (action: string): RequestRecorder => {
    const record = observers.map((o) => o.requests!(action))
    if (record.length === 1) return record[0]!
    return (method, status, seconds) => {
      for (let i = 0; i < record.length; i++) record[i]!(method, status, seconds)
    }
  }
  const byRoute = new Map(app.registry.list().map((a) => [`/actions/${a.path}`, recorderFor(a.name)]))
  const other = recorderFor('')
  return {
    ofAction: (action) => byRoute.get(`/actions/${action.path}`) ?? other,
    // Rare: only requests no action handler answered read the route here.
    of: (request: FastifyRequest) => (request.url.includes('/actions/') ? (byRoute.get(request.routeOptions.url ?? '') ?? other) : other),
  }
}

/** See `requestRecorders`. */
export interface RequestRecorders {
  /** The recorder of an action's routes. */
  ofAction(action: CompiledAction): RequestRecorder
  /** The recorder of a request whose handler named none. */
  readonly of: RecorderOf
}
