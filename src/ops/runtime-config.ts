import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { App } from '../app/app.ts'
import { SettingsError } from '../config/parse.ts'
import { ServalError } from '../errors/index.ts'
import { writeWhole } from '../internal/write-whole.ts'
import { mergePatch, overrideIssues, prune, type RuntimeConfigDoc, type RuntimeOverrides } from './config-doc.ts'

/**
 * The effective default rate limit of actions without their own `rateLimit`; undefined when off.
 *
 * @example
 * ```ts
 * const limit: LiveRateLimit | undefined = opsOf(app).config.rateLimit // { max: 100, windowMs: 60000 }
 * ```
 */
export interface LiveRateLimit {
  readonly max: number
  readonly windowMs: number
}

/**
 * The file in `data_dir` that keeps the runtime overrides across restarts.
 *
 * @example
 * ```ts
 * join(settings.data_dir, RUNTIME_CONFIG_FILE) // './.serval/runtime-config.json'
 * ```
 */
export const RUNTIME_CONFIG_FILE = 'runtime-config.json'

/**
 * The runtime-mutable settings of one app: log level, per-action
 * `enabled`, the default rate limit. A change is checked whole, written
 * to `data_dir` (atomically: a temporary file renamed over the old one),
 * then applied; a bad one changes nothing. Changes run one at a time.
 *
 * @example
 * ```ts
 * const config = new RuntimeConfig(app)
 * await config.load()
 * await config.patch({ actions: { sayHello: { enabled: false } } })
 * ```
 */
export class RuntimeConfig {
  readonly #app: App
  readonly #file: string
  #overrides: RuntimeOverrides = {}
  #rateLimit: LiveRateLimit | undefined
  #queue: Promise<unknown> = Promise.resolve()
  /** The logger's level before any override: what removing `log_level` goes back to. */
  readonly #startLevel: string

  constructor(app: App) {
    this.#app = app
    this.#startLevel = app.logger.level
    this.#file = join(resolve(app.cwd, app.settings.data_dir), RUNTIME_CONFIG_FILE)
    this.#rateLimit = this.#liveRateLimit()
  }

  /** Where the overrides are kept. */
  get file(): string {
    return this.#file
  }

  /** The default rate limit now (`rate_limit` override, else `rate_limit_max`/`rate_limit_window_s`). */
  get rateLimit(): LiveRateLimit | undefined {
    return this.#rateLimit
  }

  /** The overrides only, as stored. */
  get overrides(): RuntimeOverrides {
    return structuredClone(this.#overrides)
  }

  /**
   * Reads the stored overrides, if any, and applies them. Actions that no
   * longer exist are dropped with a warning; a file that is not a valid
   * document stops the startup, naming it (nothing is silently reset).
   */
  async load(): Promise<void> {
    const text = await readFile(this.#file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (text === undefined) return
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (error) {
      throw new SettingsError(this.#file, `is not valid JSON (${(error as Error).message}); fix or delete it`)
    }
    const issues = overrideIssues(this.#dropGone(doc), this.#names())
    if (issues.length > 0) throw new SettingsError(this.#file, issues.map((i) => `${i.path} ${i.message}`).join('; '))
    this.#apply(doc as RuntimeOverrides)
  }

  /** The effective document `GET /_sys/config` answers. */
  view(): RuntimeConfigDoc {
    const actions: RuntimeConfigDoc['actions'] = {}
    for (const a of this.#app.registry.list()) actions[a.name] = { enabled: !this.#app.actionSwitch.isOff(a.name) }
    const s = this.#app.settings
    return {
      log_level: this.#overrides.log_level ?? (this.#startLevel as RuntimeConfigDoc['log_level']),
      actions,
      rate_limit: { max: this.#overrides.rate_limit?.max ?? s.rate_limit_max, window_s: this.#overrides.rate_limit?.window_s ?? s.rate_limit_window_s },
    }
  }

  /**
   * Applies a JSON merge patch (RFC 7396) to the overrides: checked whole
   * (a 422 listing every problem, nothing changed), stored, then live.
   */
  patch(patch: unknown): Promise<RuntimeConfigDoc> {
    const run = this.#queue.then(() => this.#patchNow(patch))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #patchNow(patch: unknown): Promise<RuntimeConfigDoc> {
    const patchIssues = typeof patch === 'object' && patch !== null && !Array.isArray(patch) ? [] : overrideIssues(patch, this.#names())
    const next = mergePatch(this.#overrides, patch)
    const issues = patchIssues.length > 0 ? patchIssues : overrideIssues(next, this.#names())
    if (issues.length > 0) {
      throw new ServalError('invalid-input', { detail: issues.map((i) => `${i.path}: ${i.message}`).join('; '), errors: issues })
    }
    const pruned = prune(next as RuntimeOverrides)
    await writeAtomic(this.#file, `${JSON.stringify(pruned, null, 2)}\n`)
    this.#apply(pruned)
    this.#app.logger.info({ overrides: pruned }, 'runtime config changed')
    return this.view()
  }

  #apply(overrides: RuntimeOverrides): void {
    this.#overrides = prune(overrides)
    this.#app.logger.level = this.#overrides.log_level ?? this.#startLevel
    const off = Object.entries(this.#overrides.actions ?? {}).filter(([, v]) => v.enabled === false)
    this.#app.actionSwitch.replace(off.map(([name]) => name))
    this.#rateLimit = this.#liveRateLimit()
  }

  #liveRateLimit(): LiveRateLimit | undefined {
    const s = this.#app.settings
    const max = this.#overrides.rate_limit?.max ?? s.rate_limit_max
    const windowS = this.#overrides.rate_limit?.window_s ?? s.rate_limit_window_s
    return max > 0 ? { max, windowMs: windowS * 1000 } : undefined
  }

  #names(): ReadonlySet<string> {
    return new Set(this.#app.registry.list().map((a) => a.name))
  }

  /** A stored document may name actions deleted since: they are forgotten, not an error. */
  #dropGone(doc: unknown): unknown {
    const actions = (doc as RuntimeOverrides | null)?.actions
    if (typeof actions !== 'object' || actions === null) return doc
    const names = this.#names()
    for (const name of Object.keys(actions)) {
      if (names.has(name)) continue
      this.#app.logger.warn({ action: name, file: this.#file }, 'runtime config: forgetting the switch of an action that no longer exists')
      delete actions[name]
    }
    return doc
  }
}

/** Writes a file whole or not at all, flushed to disk: an operator's change must survive a power cut. */
async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeWhole(file, text, { durable: true })
}
