import type { Logger } from 'pino'
import type { ActionContext, Resources, Trigger } from '../action/types.ts'
import type { Principal } from '../auth/principal.ts'

/** How a transport describes one call to the pipeline. */
export interface Invocation {
  readonly requestId: string
  readonly trigger: Trigger
  /** A signal, or a function that makes one on first use (most handlers never look). */
  readonly signal?: AbortSignal | (() => AbortSignal)
  readonly credentials?: import('./security.ts').Credentials
  /** A principal already verified elsewhere (a job carries its submitter's). */
  readonly principal?: Principal | null
  readonly progress?: (fraction: number, message?: string) => void
  /** What the result depends on besides the input (a GraphQL field's parent): part of the cache key. */
  readonly varies?: unknown
  /** The caller's W3C `traceparent` (an HTTP header, a job's stored one): the invocation's span continues it. */
  readonly traceparent?: string | undefined
  /** Skip the result cache: neither read nor write it (HTTP `DELETE`). */
  readonly noCache?: boolean
  /**
   * The input is text fields (a query string, a form): the pipeline coerces
   * them through the action's input schema (numbers, booleans, lists,
   * nested keys) before validating.
   */
  readonly textInput?: boolean
  /**
   * A text that stands for the raw input exactly (HTTP GET: the URL): the
   * result cache answers a repeated one from memory before coercing and
   * validating it again, once the same text was validated to the same key.
   */
  readonly inputKey?: string
  /** Told how a cached action's result was found, so a transport can say so (X-Cache, Age). */
  cacheInfo?(info: CacheInfo): void
}

/**
 * How the result cache answered one call of a cached action.
 *
 * @example
 * ```ts
 * const info: CacheInfo = { hit: true, scope: 'public', ageS: 3, remainingS: 27 }
 * ```
 */
export interface CacheInfo {
  readonly hit: boolean
  readonly scope: 'public' | 'private'
  /** Whole seconds since the entry was stored. */
  readonly ageS: number
  /** Whole seconds the entry stays fresh (max-age). */
  readonly remainingS: number
  /**
   * The stored entry answered from: the same object on every answer of one
   * entry held in memory (a new one per Redis read), so a transport may
   * keep what it rendered of it (a body, an ETag) for the next HIT.
   */
  readonly entry?: object
}

const NEVER = new AbortController().signal
const noProgress = (): void => undefined

/**
 * The `ctx` of one call. A class with lazy getters: the logger child and
 * the abort signal cost an allocation each, and most handlers use neither.
 */
export class Context implements ActionContext {
  readonly action: string
  readonly requestId: string
  readonly auth: Principal | null
  readonly resources: Resources
  readonly trigger: Trigger
  readonly progress: (fraction: number, message?: string) => void
  readonly traceId: string | undefined
  #log: Logger | undefined
  #baseLog: Logger
  #inv: Invocation
  #signal: AbortSignal | undefined

  constructor(action: string, inv: Invocation, auth: Principal | null, log: Logger, resources: Resources, traceId?: string) {
    this.action = action
    this.requestId = inv.requestId
    this.trigger = inv.trigger
    this.auth = auth
    this.resources = resources
    this.progress = inv.progress ?? noProgress
    this.traceId = traceId
    this.#baseLog = log
    // Read on first use only: a transport may make its signal in a getter.
    this.#inv = inv
  }

  get log(): Logger {
    return (this.#log ??= this.#baseLog.child({ reqId: this.requestId, action: this.action }))
  }

  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal
    const s = this.#inv.signal
    return (this.#signal = typeof s === 'function' ? s() : (s ?? NEVER))
  }
}
