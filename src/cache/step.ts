import type { Logger } from 'pino'
import { isFileOutput } from '../action/file.ts'
import type { Principal } from '../auth/principal.ts'
import type { Invocation } from '../core/context.ts'
import { NOT_IN_MEMORY, type ResultCache } from '../core/invoke.ts'
import type { CompiledAction } from '../core/registry.ts'
import { cacheKey } from './key.ts'
import type { CacheEntry, CacheStore } from './store.ts'

/** A flight's outcome: an entry to share, or a result that may not be cached (bytes, a stream). */
type Flight = { entry: CacheEntry; hit: boolean } | { uncacheable: unknown }

type Scope = 'public' | 'private'

/**
 * The pipeline's result cache step: looks the call up, else runs it once
 * per key at a time (single-flight: identical calls that arrive meanwhile
 * wait for the first), keeps JSON results for the action's ttl, and tells
 * the invocation HIT or MISS. A store failure is a miss, logged.
 *
 * @example
 * ```ts
 * const cache = new ResultCacheStep(store, !app.security.open, logger)
 * ```
 */
export class ResultCacheStep implements ResultCache {
  readonly #store: CacheStore
  readonly #defaultScope: Scope
  readonly #log: Logger
  readonly #flights = new Map<string, Promise<Flight>>()
  readonly #inputs = new InputKeys()
  readonly #observe: ((action: string, hit: boolean) => void) | undefined

  /** `observe` is told every answer, HIT or MISS (metrics). */
  constructor(store: CacheStore, authOn: boolean, log: Logger, observe?: (action: string, hit: boolean) => void) {
    this.#observe = observe
    this.#store = store
    this.#defaultScope = authOn ? 'private' : 'public'
    this.#log = log
  }

  /**
   * A fresh entry in memory is answered synchronously: no promise, no
   * flight, which is what keeps a HIT as cheap as the cheapest handler.
   */
  run(action: CompiledAction, input: unknown, principal: Principal | null, inv: Invocation, compute: () => unknown): unknown {
    const scope = action.cache?.scope ?? this.#defaultScope
    const keyed = inv.varies === undefined ? input : { input, varies: inv.varies }
    const key = cacheKey(action.name, keyed, scope === 'private' ? (principal?.sub ?? '') : undefined)
    if (key === undefined) return compute() // an input with no JSON form (a File): never cached
    if (inv.inputKey !== undefined && principal === null && inv.varies === undefined) this.#inputs.remember(action, inv.inputKey, key)
    // The lookup is part of the flight: a call whose lookup is still reading can never start a second run.
    const running = this.#flights.get(key)
    if (running !== undefined) return this.#join(action, scope, inv, running, compute)
    const hit = this.#inMemory(action, scope, inv, key)
    return hit !== NOT_IN_MEMORY ? hit : this.#lead(action, scope, inv, key, compute)
  }

  peekInput(action: CompiledAction, inv: Invocation & { inputKey: string }): unknown {
    const key = this.#inputs.keyOf(action, inv.inputKey)
    if (key === undefined || this.#flights.has(key)) return NOT_IN_MEMORY
    return this.#inMemory(action, action.cache?.scope ?? this.#defaultScope, inv, key)
  }

  /** A fresh entry in memory answered at once (a HIT, no promise), else `NOT_IN_MEMORY`. */
  #inMemory(action: CompiledAction, scope: Scope, inv: Invocation, key: string): unknown {
    const now = Date.now()
    const fresh = this.#store.peek?.(key, now)
    if (fresh === undefined) return NOT_IN_MEMORY
    this.#observe?.(action.name, true)
    return answer(inv, scope, fresh, true, now)
  }

  async #join(action: CompiledAction, scope: Scope, inv: Invocation, running: Promise<Flight>, compute: () => unknown): Promise<unknown> {
    const flight = await running
    this.#observe?.(action.name, 'entry' in flight)
    return 'entry' in flight ? answer(inv, scope, flight.entry, true) : compute()
  }

  async #lead(action: CompiledAction, scope: Scope, inv: Invocation, key: string, compute: () => unknown): Promise<unknown> {
    const flight = this.#fly(key, action.cache?.ttlMs ?? 0, compute)
    this.#flights.set(key, flight)
    try {
      const done = await flight
      this.#observe?.(action.name, 'entry' in done && done.hit)
      return 'entry' in done ? answer(inv, scope, done.entry, done.hit) : done.uncacheable
    } finally {
      this.#flights.delete(key)
    }
  }

  close(): Promise<void> {
    return this.#store.close()
  }

  async #fly(key: string, ttlMs: number, compute: () => unknown): Promise<Flight> {
    const found = await this.#lookup(key)
    if (found !== undefined) return { entry: found, hit: true }
    const value = await compute()
    if (!cacheable(value)) return { uncacheable: value }
    const now = Date.now()
    const entry: CacheEntry = { storedAt: now, expiresAt: now + ttlMs, value }
    await this.#store.set(key, entry).catch((err: unknown) => this.#log.warn({ err }, 'Could not store a cache entry'))
    return { entry, hit: false }
  }

  async #lookup(key: string): Promise<CacheEntry | undefined> {
    try {
      return await this.#store.get(key)
    } catch (err) {
      this.#log.warn({ err }, 'The result cache did not answer: a miss')
      return undefined
    }
  }
}

function answer(inv: Invocation, scope: Scope, entry: CacheEntry, hit: boolean, now = Date.now()): unknown {
  inv.cacheInfo?.({ hit, scope, ageS: Math.max(0, Math.floor((now - entry.storedAt) / 1000)), remainingS: Math.max(0, Math.ceil((entry.expiresAt - now) / 1000)), entry })
  return entry.value
}

/** JSON values only: bytes, files, blobs and streams are sent, never kept. */
function cacheable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint'
  if (Array.isArray(value)) return true
  const proto: unknown = Object.getPrototypeOf(value)
  return (proto === Object.prototype || proto === null) && !isFileOutput(value)
}

/** How many raw inputs (URLs) per action lead to a key; past it, the oldest are forgotten. */
const INPUT_KEYS_PER_ACTION = 10_000

/**
 * The raw inputs (`Invocation.inputKey`: a GET's URL) whose validated
 * input made a cache key, per action: the same text always coerces and
 * validates to the same input, so a repeated one can skip both. Only
 * calls without a principal and without `varies` are remembered (the key
 * depends on nothing else then). Bounded: a flood of distinct URLs only
 * pushes out the oldest.
 */
class InputKeys {
  readonly #byAction = new WeakMap<CompiledAction, Map<string, string>>()

  remember(action: CompiledAction, inputKey: string, key: string): void {
    let keys = this.#byAction.get(action)
    if (keys === undefined) this.#byAction.set(action, (keys = new Map()))
    if (keys.get(inputKey) === key) return
    if (keys.size >= INPUT_KEYS_PER_ACTION) keys.delete(keys.keys().next().value!)
    keys.set(inputKey, key)
  }

  keyOf(action: CompiledAction, inputKey: string): string | undefined {
    return this.#byAction.get(action)?.get(inputKey)
  }
}
