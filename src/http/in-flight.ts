import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { Credentials } from '../core/security.ts'
import { ServalError } from '../errors/index.ts'
import { opsOf } from '../ops/state.ts'
import type { InFlight, InFlightEntry } from '../ops/in-flight.ts'
import { sendProblem } from './problem-reply.ts'
import { TrackedResponse } from './tracked-response.ts'
import { requestCredentials } from './security/credentials.ts'

const ACTIONS = '/actions/'

/** Counts one answered request: its method, status and seconds taken (the metrics capability's recorder). */
export type RequestRecorder = (method: string, status: number, seconds: number) => void

/**
 * Which recorder counts a request: the route's handler names its own
 * (`entry.record`, set once per call, no lookup); a request answered
 * before any handler ran (a 404, a refusal, a body the parser refused)
 * is looked up as it ends.
 */
export type RecorderOf = (request: FastifyRequest) => RequestRecorder | undefined

/**
 * One HTTP request in flight. What only an operator's listing or the drain
 * reads (id, method, start, path, action, credentials) is read then, from
 * the request: the request path pays for one small object.
 *
 * @example
 * ```ts
 * inFlight.add(new HttpEntry(app, inFlight, request, reply))
 * ```
 */
export class HttpEntry implements InFlightEntry {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  /** The recorder of the route that answers, when its handler ran (see `RecorderOf`). */
  record: RequestRecorder | undefined
  readonly #app: App
  readonly #inFlight: InFlight
  readonly #recorderOf: RecorderOf | undefined
  /** `performance.now()` at arrival: the one clock read per request, for the metrics and the listing. */
  readonly #start: number
  #startedAt: number | undefined

  constructor(app: App, inFlight: InFlight, request: FastifyRequest, reply: FastifyReply, recorderOf?: RecorderOf) {
    this.request = request
    this.reply = reply
    this.record = undefined
    this.#app = app
    this.#inFlight = inFlight
    this.#recorderOf = recorderOf
    this.#start = performance.now()
  }

  get id(): string {
    return this.request.id
  }

  get method(): string {
    return this.request.method
  }

  /** Fixed at the first read, so a listing sorts and ages it by one value. */
  get startedAt(): number {
    return (this.#startedAt ??= Date.now() - Math.round(performance.now() - this.#start)) // whole ms, as Date.now() gives them
  }

  get path(): string {
    const url = this.request.url
    const q = url.indexOf('?')
    return q < 0 ? url : url.slice(0, q)
  }

  get action(): string | null {
    const route = this.request.routeOptions.url
    return route?.startsWith(ACTIONS) ? (this.#app.registry.get(route.slice(ACTIONS.length))?.name ?? null) : null
  }

  get credentials(): Credentials {
    return requestCredentials(this.#app, this.request)
  }

  get socket(): Socket {
    return this.request.raw.socket
  }

  /** The response closed (finished, aborted or hijacked): the request is no longer in flight, and is counted. */
  ended(): void {
    this.#inFlight.delete(this)
    const now = performance.now()
    ;(this.socket as Socket & { [LAST_END]?: number })[LAST_END] = now
    const record = this.record ?? this.#recorderOf?.(this.request)
    if (record !== undefined) record(this.request.method, this.reply.raw.statusCode, (now - this.#start) / 1000)
  }
}

/** Sockets that became WebSockets: no longer HTTP, so the drain leaves them to the WebSocket close. */
export const upgradedSockets = new WeakSet<Socket>()

/**
 * Records a request in the app's in-flight registry until its response
 * closes (finished, aborted or hijacked alike). WebSocket upgrades are
 * not recorded: their socket leaves HTTP.
 *
 * @example
 * ```ts
 * server.addHook('onRequest', (request, reply, done) => (trackRequest(app, request, reply), done()))
 * ```
 */
export function trackRequest(app: App, inFlight: InFlight, request: FastifyRequest, reply: FastifyReply, recorderOf?: RecorderOf): HttpEntry | undefined {
  if (request.raw.headers.upgrade !== undefined) {
    upgradedSockets.add(request.raw.socket)
    return undefined
  }
  const entry = new HttpEntry(app, inFlight, request, reply, recorderOf)
  ;(request as unknown as Record<symbol, HttpEntry>)[ENTRY] = entry
  inFlight.add(entry)
  const res = reply.raw
  if (res instanceof TrackedResponse) res.closingEntry = entry // Serval's own servers: no listener per response
  else {
    // Another server's responses (inject(), a custom serverFactory): one shared listener, no closure per request.
    ;(res as ServerResponse & { [ENTRY]?: HttpEntry })[ENTRY] = entry
    res.on('close', responseClosed)
  }
  return entry
}

function responseClosed(this: ServerResponse & { [ENTRY]?: HttpEntry }): void {
  this[ENTRY]?.ended()
}

const LAST_END = Symbol('serval.lastEnd')

/**
 * When the last response on a socket ended (`performance.now()`), or undefined when none has.
 *
 * @example
 * ```ts
 * const idleMs = performance.now() - (lastEnd(socket) ?? performance.now())
 * ```
 */
export function lastEnd(socket: Socket): number | undefined {
  return (socket as Socket & { [LAST_END]?: number })[LAST_END]
}

/**
 * The HTTP entries in flight on one socket, oldest first.
 *
 * @example
 * ```ts
 * const last = entriesOn(inFlight, request.raw.socket).at(-1)
 * ```
 */
export function entriesOn(inFlight: Pick<InFlight, 'entries'>, socket: Socket): HttpEntry[] {
  return inFlight.entries().filter((e): e is HttpEntry => e instanceof HttpEntry && e.socket === socket)
}

/**
 * `max_concurrency`: every action route gets a first `onRequest` step
 * that claims a slot or answers 503 `over-capacity` + `Retry-After` at
 * once (before the body is read). Only action routes count: `/_sys/*`,
 * docs and files keep answering under load. Installed only when a limit
 * is set: otherwise no route pays for it.
 *
 * @example
 * ```ts
 * registerConcurrencyLimit(server, app) // before the action routes are added
 * ```
 */
export function registerConcurrencyLimit(server: FastifyInstance, app: App): void {
  const { inFlight } = opsOf(app)
  if (inFlight.limit === 0) return
  // One error for every refusal: an overloaded server should not also pay for a stack per request.
  const full = new ServalError('over-capacity', { detail: `At most ${inFlight.limit} action calls run at once; retry shortly`, publicDetail: true, headers: { 'retry-after': '1' } })
  const claim = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const entry = entryOf(request)
    if (entry === undefined || inFlight.claim(entry)) return done()
    void sendProblem(app, request, reply, full)
  }
  server.addHook('onRoute', (route) => {
    if (!route.url?.startsWith(ACTIONS)) return
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]
    route.onRequest = [claim as never, ...own]
  })
}

const ENTRY = Symbol('serval.inFlight')

/**
 * Declares the request slot of the entry up front (a decorator), so requests keep one shape.
 *
 * @example
 * ```ts
 * decorateInFlight(server) // once, before the hooks that track requests
 * ```
 */
export function decorateInFlight(server: FastifyInstance): void {
  server.decorateRequest(ENTRY as never, undefined as never)
}

/**
 * The in-flight entry of a request (undefined for a WebSocket upgrade).
 *
 * @example
 * ```ts
 * const entry = entryOf(request)
 * if (entry) entry.record = recorder
 * ```
 */
export function entryOf(request: FastifyRequest): HttpEntry | undefined {
  return (request as unknown as Record<symbol, HttpEntry | undefined>)[ENTRY]
}
