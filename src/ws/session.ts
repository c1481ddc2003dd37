import { isBinaryOutput } from '../action/file.ts'
import type { App } from '../app/app.ts'
import { admit } from '../channels/access.ts'
import type { ChannelRuntime } from '../channels/runtime.ts'
import { isStream } from '../core/invoke.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import { ServalError } from '../errors/index.ts'
import { frames, parseClientFrame, type CallId, type ClientFrame } from './frames.ts'
import { socketProblem } from './problem.ts'
import { checkRateLimit } from './rate-limit.ts'

/**
 * Calls one socket may have in flight at once; past it a call is a 429.
 *
 * @example
 * ```ts
 * if (calls.size >= MAX_CALLS_IN_FLIGHT) throw new ServalError('too-many-requests')
 * ```
 */
export const MAX_CALLS_IN_FLIGHT = 256

/**
 * What a `/ws` session works with.
 *
 * @example
 * ```ts
 * new WsSession({ app, runtime, credentials, connectionId, caller: 'ip:127.0.0.1', send })
 * ```
 */
export interface SessionOptions {
  readonly app: App
  readonly runtime: ChannelRuntime
  readonly credentials: Credentials
  readonly connectionId: string
  /** Whom rate limits count this socket's calls against: `sub:<sub>` or `ip:<address>`. */
  readonly caller: string
  readonly send: (text: string) => boolean
  /** The handshake's W3C `traceparent`: every call on the socket continues it, unless its frame carries its own. */
  readonly traceparent?: string | undefined
}

/**
 * One `/ws` socket: calls run through the same pipeline as HTTP
 * (`app.invoke`: validation, access rules, `ctx.signal`), many at once,
 * each answered under its own id; streams send `item` frames then `end`;
 * `cancel` aborts a call; `subscribe`/`unsubscribe` manage channels. A
 * frame that cannot be read is answered with an error; the socket stays open.
 *
 * @example
 * ```ts
 * const session = new WsSession({ app, runtime, credentials, connectionId, send })
 * socket.on('message', (data, binary) => session.receive(data as Buffer, binary))
 * socket.on('close', () => session.close())
 * ```
 */
export class WsSession {
  readonly #o: SessionOptions
  readonly #calls = new Map<CallId, AbortController>()
  readonly #subscriptions = new Map<string, () => void>()
  #frames = 0

  constructor(options: SessionOptions) {
    this.#o = options
  }

  receive(data: Buffer, binary: boolean): void {
    const frame = parseClientFrame(data, binary, this.#o.app.settings.max_json_depth)
    if (frame.kind === 'bad') return void this.#fail(frame.id, frame.error)
    this.#dispatch(frame).catch((error: unknown) => this.#fail(frame.id, error))
  }

  /** Aborts every call in flight and leaves every channel (the socket closed). */
  close(): void {
    for (const controller of this.#calls.values()) controller.abort(new ServalError('unavailable', { detail: 'The socket closed', publicDetail: true }))
    this.#calls.clear()
    for (const leave of this.#subscriptions.values()) leave()
    this.#subscriptions.clear()
  }

  async #dispatch(frame: ClientFrame): Promise<void> {
    if (frame.kind === 'call') return this.#call(frame.id, frame.action, frame.input, frame.traceparent ?? this.#o.traceparent)
    if (frame.kind === 'cancel') return this.#cancel(frame.id, frame.cancel)
    if (frame.kind === 'subscribe') return this.#subscribe(frame.id, frame.channel)
    return this.#unsubscribe(frame.id, frame.channel)
  }

  async #call(id: CallId, name: string, input: unknown, traceparent: string | undefined): Promise<void> {
    if (this.#calls.has(id)) throw new ServalError('conflict', { detail: `Call ${JSON.stringify(id)} is still in flight; use another id` })
    if (this.#calls.size >= MAX_CALLS_IN_FLIGHT) throw new ServalError('too-many-requests', { detail: `At most ${MAX_CALLS_IN_FLIGHT} calls may be in flight on one socket` })
    const action = this.#o.app.registry.get(name)
    if (!action || action.methods.length === 0) throw new ServalError('not-found', { detail: `No action "${name}"` })
    checkRateLimit(this.#o.app, action, this.#o.caller)
    const controller = new AbortController()
    this.#calls.set(id, controller)
    try {
      const output = await this.#o.app.invoke(action, input, {
        requestId: this.#requestId(id),
        trigger: 'ws',
        credentials: this.#o.credentials,
        signal: () => AbortSignal.any([controller.signal, this.#o.app.shutdownSignal]),
        traceparent,
      })
      if (!controller.signal.aborted) await this.#answer(id, action, output, controller.signal)
    } catch (error) {
      if (!controller.signal.aborted) this.#fail(id, error)
    } finally {
      if (this.#calls.get(id) === controller) this.#calls.delete(id)
    }
  }

  async #answer(id: CallId, action: CompiledAction, output: unknown, signal: AbortSignal): Promise<void> {
    if (!isStream(output)) return void this.#o.send(frames.output(id, serialise(action, output)))
    for await (const item of output) {
      if (signal.aborted) return
      if (!this.#o.send(frames.item(id, serialise(action, item) ?? 'null'))) return
    }
    if (!signal.aborted) this.#o.send(frames.end(id))
  }

  #cancel(id: CallId, call: CallId): void {
    const controller = this.#calls.get(call)
    if (!controller) throw new ServalError('not-found', { detail: `No call ${JSON.stringify(call)} in flight` })
    const reason = new ServalError('call-cancelled', { detail: `Call ${JSON.stringify(call)} was cancelled` })
    controller.abort(reason)
    this.#calls.delete(call)
    this.#fail(call, reason)
    this.#o.send(frames.cancelled(id, call))
  }

  async #subscribe(id: CallId, name: string): Promise<void> {
    const channel = this.#channel(name)
    const principal = await admit(this.#o.app, channel.gate, this.#o.credentials)
    if (!this.#subscriptions.has(name)) {
      const subscriber = { connectionId: this.#o.connectionId, principal, send: (d: { channel: string; event: unknown; text?: string }) => void this.#o.send((d.text ??= frames.event(d.channel, d.event))) }
      this.#subscriptions.set(name, this.#o.runtime.hub.subscribe(name, subscriber))
    }
    this.#o.send(frames.subscribed(id, name, this.#o.connectionId))
  }

  #unsubscribe(id: CallId, name: string): void {
    this.#channel(name)
    this.#subscriptions.get(name)?.()
    this.#subscriptions.delete(name)
    this.#o.send(frames.unsubscribed(id, name))
  }

  #channel(name: string) {
    const channel = this.#o.runtime.channels.get(name)
    if (!channel || channel.kind !== 'websocket') throw new ServalError('not-found', { detail: `No channel "${name}"` })
    return channel
  }

  #fail(id: CallId | null, error: unknown): void {
    this.#o.send(frames.error(id, socketProblem(this.#o.app, error, '/ws', this.#requestId(id))))
  }

  #requestId(id: CallId | null): string {
    return `${this.#o.connectionId}:${id === null ? `frame-${++this.#frames}` : String(id)}`
  }
}

function serialise(action: CompiledAction, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (isBinaryOutput(value)) throw new ServalError('not-acceptable', { detail: 'A binary output cannot be sent over /ws; call it over HTTP' })
  return action.output ? action.output.serialize(value) : JSON.stringify(value)
}
