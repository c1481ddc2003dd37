import { responseError } from './error.ts'
import { streamItems } from './stream.ts'
import { decodeValue, inputRequest, type Transport } from './transport.ts'
import type { CallOptions } from './wire.ts'

const PREFERRED = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE']

/**
 * Calls actions by path. The client cannot see an action's `http` methods
 * (they are not part of its type), so it sends `POST`; an action that
 * refuses it answers `405` with `Allow` before anything runs, and the client
 * repeats the call once with an allowed method (the input in the query
 * string for `GET`/`DELETE`) and keeps using that method for the action.
 *
 * @example
 * ```ts
 * const caller = new ActionCaller(transport)
 * const res = await caller.call('say-hello', { name: 'Ada' }, {})
 * ```
 */
export class ActionCaller {
  readonly #transport: Transport
  readonly #methods = new Map<string, string>()

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** The 2xx response of a call; rejects with the problem otherwise. */
  async call(path: string, input: unknown, options: CallOptions): Promise<Response> {
    const method = this.#methods.get(path) ?? 'POST'
    const res = await this.#send(method, path, input, options)
    const allowed = res.status === 405 ? pickMethod(res.headers.get('allow'), method) : undefined
    if (!allowed) return res.ok ? res : this.#fail(res)
    await res.body?.cancel()
    this.#methods.set(path, allowed)
    const retried = await this.#send(allowed, path, input, options)
    return retried.ok ? retried : this.#fail(retried)
  }

  #send(method: string, path: string, input: unknown, options: CallOptions): Promise<Response> {
    return this.#transport.send(inputRequest(method, `/actions/${path}`, input, options))
  }

  async #fail(res: Response): Promise<never> {
    throw await responseError(res)
  }
}

function pickMethod(allow: string | null, tried: string): string | undefined {
  const methods = (allow ?? '').split(',').map((m) => m.trim().toUpperCase())
  return PREFERRED.find((m) => m !== tried && methods.includes(m))
}

/**
 * A call's result: awaited, it is the output (an async iterable for a
 * stream); iterated, it yields a stream's items. So
 * `await client.add(…)` and `for await (const x of client.countdown(…))`
 * both work on the same object.
 *
 * @example
 * ```ts
 * const pending = new PendingCall(() => caller.call('countdown', { from: 3 }, {}))
 * for await (const item of pending) console.log(item)
 * ```
 */
export class PendingCall implements PromiseLike<unknown>, AsyncIterable<unknown> {
  readonly #response: Promise<Response>

  constructor(start: () => Promise<Response>) {
    // Sent at once, as a promise would be; a failure surfaces where the result is used, never as an unhandled rejection.
    this.#response = start()
    this.#response.catch(() => undefined)
  }

  then<A = unknown, B = never>(onValue?: ((value: unknown) => A | PromiseLike<A>) | null, onError?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#response
      .then((res) => (isSse(res) ? { [Symbol.asyncIterator]: () => streamItems(res) } : decodeValue(res)))
      .then(onValue, onError)
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return iterate(this.#response)
  }
}

async function* iterate(response: Promise<Response>): AsyncGenerator<unknown> {
  yield* streamItemsOrValue(await response)
}

async function* streamItemsOrValue(res: Response): AsyncGenerator<unknown> {
  if (isSse(res)) yield* streamItems(res)
  else yield await decodeValue(res)
}

function isSse(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').startsWith('text/event-stream')
}
