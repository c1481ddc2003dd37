import { kebabCase } from '../action/define.ts'
import type { ActionDef, AnyAction, HttpMethod } from '../action/types.ts'
import { ServalError } from '../errors/index.ts'
import {
  compileInput,
  compileOutput,
  compileQueryCoercer,
  type CompiledOutput,
  type CompiledSchema,
  type QueryCoercer,
} from '../schema/index.ts'

/** An action found somewhere, before compilation. */
export interface ActionSource {
  readonly action: AnyAction
  /** The export name; the action's name unless `def.name` is set. */
  readonly exportName: string
  /** The file it came from, for error messages and versions. */
  readonly file?: string
  /** Made by Serval itself (a webhook's deliveries): its name is `<kind>:<name>`. */
  readonly internal?: boolean
}

/** An action compiled once at startup: everything the request path needs, precomputed. */
export interface CompiledAction {
  readonly name: string
  /** The URL segment: `sayHello` → `say-hello`. */
  readonly path: string
  readonly file: string | undefined
  readonly def: ActionDef
  readonly action: AnyAction
  /** HTTP methods it answers; empty when `http: false`. */
  readonly methods: readonly HttpMethod[]
  /** The handler is an async generator: its output streams. */
  readonly streaming: boolean
  readonly input: CompiledSchema
  /** Undefined when the action declares no output schema. */
  readonly output: CompiledOutput | undefined
  readonly coerceQuery: QueryCoercer
  /** The result cache policy, checked at startup; undefined (most actions) costs nothing per call. */
  readonly cache: CachePolicy | undefined
}

/**
 * A checked `cache` option: ttl in ms; scope unset means "private when auth is on".
 *
 * @example
 * ```ts
 * const policy: CachePolicy = { ttlMs: 30_000, scope: 'public' }
 * ```
 */
export interface CachePolicy {
  readonly ttlMs: number
  readonly scope: 'public' | 'private' | undefined
}

/**
 * The app's actions, by name and by path. Built once; read-only afterwards.
 *
 * @example
 * ```ts
 * const registry = await buildRegistry([{ action: sayHello, exportName: 'sayHello' }])
 * registry.get('sayHello')?.path // 'say-hello'
 * ```
 */
export class Registry {
  readonly #byName = new Map<string, CompiledAction>()
  readonly #byPath = new Map<string, CompiledAction>()

  constructor(actions: readonly CompiledAction[]) {
    for (const a of actions) {
      this.#byName.set(a.name, a)
      this.#byPath.set(a.path, a)
    }
  }

  /** Every action, in registration order. */
  list(): CompiledAction[] {
    return [...this.#byName.values()]
  }

  /** The action with this name (`sayHello`) or path (`say-hello`). */
  get(nameOrPath: string): CompiledAction | undefined {
    return this.#byName.get(nameOrPath) ?? this.#byPath.get(nameOrPath)
  }

  get size(): number {
    return this.#byName.size
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const INTERNAL_NAME = /^[a-z]+:[A-Za-z_][A-Za-z0-9_-]*$/

/**
 * Names, checks and compiles actions. A duplicate name (or two names with
 * the same path) fails here, naming both files.
 */
export async function buildRegistry(sources: readonly ActionSource[]): Promise<Registry> {
  const seen = new Map<string, ActionSource>()
  const compiled: CompiledAction[] = []
  for (const source of sources) {
    const name = source.action.def.name ?? source.exportName
    if (!(source.internal ? INTERNAL_NAME : NAME).test(name)) {
      throw new ServalError('bad-request', {
        title: 'Invalid action name',
        detail: `Action name "${name}"${where(source)} must start with a letter or _ and hold only letters, digits and _`,
      })
    }
    const path = kebabCase(name)
    const clash = seen.get(name) ?? seen.get(`path:${path}`)
    if (clash) throw duplicate(name, clash, source)
    seen.set(name, source).set(`path:${path}`, source)
    compiled.push(await compileAction(source, name, path))
  }
  return new Registry(compiled)
}

function where(source: ActionSource): string {
  return source.file ? ` (in ${source.file})` : ''
}

function duplicate(name: string, first: ActionSource, second: ActionSource): ServalError {
  return new ServalError('conflict', {
    title: 'Duplicate action name',
    detail: `Duplicate action name "${name}": defined in ${first.file ?? '(inline)'} as ${first.exportName} and in ${second.file ?? '(inline)'} as ${second.exportName}; rename one export, or give one a different \`name\` in its definition`,
  })
}

async function compileAction(source: ActionSource, name: string, path: string): Promise<CompiledAction> {
  const def = source.action.def
  const where_ = `action "${name}"${where(source)}`
  const input = await wrap(where_, 'input', () => compileInput(def.input))
  const output = def.output === undefined ? undefined : await wrap(where_, 'output', () => compileOutput(def.output!))
  return Object.freeze({
    name,
    path,
    file: source.file,
    def,
    action: source.action,
    methods: methodsOf(def.http),
    streaming: source.action.handler.constructor?.name === 'AsyncGeneratorFunction',
    input,
    output,
    coerceQuery: compileQueryCoercer(input.jsonSchema),
    cache: cachePolicy(def.cache, where_, source.action.handler.constructor?.name === 'AsyncGeneratorFunction'),
  })
}

async function wrap<T>(where_: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause)
    throw new ServalError('bad-request', { title: 'Invalid schema', detail: `${where_}: the ${what} schema does not compile: ${msg}; fix the \`${what}\` schema of that action`, cause })
  }
}

function methodsOf(http: ActionDef['http']): HttpMethod[] {
  if (http === false) return []
  if (http === undefined) return ['POST']
  const list = typeof http === 'string' ? [http] : [...http]
  return [...new Set(list.map((m) => m.toUpperCase() as HttpMethod))]
}

/**
 * Checks a `cache` option (an action's, or a GraphQL resolver field's) at
 * startup: a bad ttl or scope, or a cached stream, is a startup error.
 *
 * @example
 * ```ts
 * cachePolicy({ ttl: 30 }, 'action "add"', false) // { ttlMs: 30000, scope: undefined }
 * ```
 */
export function cachePolicy(cache: ActionDef['cache'], where_: string, streaming: boolean): CachePolicy | undefined {
  if (cache === undefined) return undefined
  const bad = (detail: string): ServalError => new ServalError('bad-request', { title: 'Invalid cache option', detail: `${where_}: ${detail}` })
  if (streaming) throw bad('a streaming action cannot be cached')
  if (typeof cache.ttl !== 'number' || !Number.isFinite(cache.ttl) || cache.ttl <= 0) throw bad(`cache.ttl must be a positive number of seconds, got ${String(cache.ttl)}`)
  if (cache.scope !== undefined && cache.scope !== 'public' && cache.scope !== 'private') throw bad(`cache.scope must be 'public' or 'private', got ${String(cache.scope)}`)
  return Object.freeze({ ttlMs: Math.round(cache.ttl * 1000), scope: cache.scope })
}
