import { resolve } from 'node:path'
import type { Logger } from 'pino'
import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import type { RunningServer } from '../http/listen.ts'
import { adoptMounts, mountsOf } from '../mounts/index.ts'
import { forgetRequired, nextGeneration } from './fresh-imports.ts'

/** What a reload did. */
export type ReloadResult =
  | {
      readonly ok: true
      /** From the change to the swap: the new generation answers from here on. */
      readonly ms: number
      readonly actions: number
      /** `''` for the root app, else the mount's name. */
      readonly target: string
      /** Settles once the previous generation has drained and stopped, and the new one serves (workers, schedules). */
      readonly retired: Promise<void>
    }
  | { readonly ok: false; readonly error: Error; readonly target: string }

/** How the root app is rebuilt: what `serve` built it from. */
export interface ReloaderOptions {
  readonly settings: Settings
  readonly dirs: readonly string[]
  readonly logger: Logger
  readonly exclude?: readonly string[]
  readonly extensions?: () => readonly Extension[]
}

/**
 * Reloads a running server in place: the changed files' app (the root, or
 * the mount whose dirs hold them) is imported afresh and built beside the
 * one serving, then swapped in with one pointer write. Requests in flight
 * finish on the old generation, which then stops its extensions; only
 * then does the new one start its job workers and schedules. A file that
 * fails to load leaves the old generation serving, and the error names it.
 * Reloads never overlap: changes during one make one more afterwards.
 *
 * @example
 * ```ts
 * const reloader = new Reloader(running, { settings, dirs: ['examples'], logger })
 * await reloader.reload(['/abs/examples/hello.ts'])
 * ```
 */
export class Reloader {
  readonly #running: RunningServer
  readonly #options: ReloaderOptions
  #chain: Promise<unknown> = Promise.resolve()
  #generation = 0

  constructor(running: RunningServer, options: ReloaderOptions) {
    this.#running = running
    this.#options = options
  }

  /** The number of successful root swaps so far. */
  get generation(): number {
    return this.#generation
  }

  /** Reloads what holds `files` (the root when none or unknown); resolves once the new generation answers. */
  reload(files: readonly string[] = []): Promise<ReloadResult[]> {
    const run = this.#chain.then(() => this.#reloadAll(files))
    this.#chain = run.catch(() => undefined)
    return run
  }

  async #reloadAll(files: readonly string[]): Promise<ReloadResult[]> {
    const mounts = mountsOf(this.#running.app)
    const targets = new Set(files.map((f) => mounts?.owning(f) ?? ''))
    if (targets.size === 0) targets.add('')
    const results: ReloadResult[] = []
    for (const target of targets) results.push(await this.#reloadOne(target, files))
    return results
  }

  async #reloadOne(target: string, files: readonly string[]): Promise<ReloadResult> {
    const started = performance.now()
    const log = this.#options.logger
    try {
      const { actions, retired } = target ? await this.#swapMount(target) : await this.#swapRoot()
      retired.catch((error: unknown) => log.error({ err: error }, 'the previous app generation did not stop cleanly'))
      const ms = Math.round(performance.now() - started)
      log.info({ reloadMs: ms, actions, mount: target || undefined, files }, `reloaded ${target ? `mount ${target}` : 'app'} in ${ms} ms (${actions} actions)`)
      return { ok: true, ms, actions, target, retired }
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(String(cause))
      log.error({ err: error, files }, `reload failed, still serving the previous version: ${error.message}`)
      return { ok: false, error, target }
    }
  }

  async #swapRoot(): Promise<{ actions: number; retired: Promise<void> }> {
    const o = this.#options
    const old: App = this.#running.app
    forgetRequired(o.dirs.map((d) => resolve(old.cwd, d)))
    const app = await loadApp({
      settings: o.settings,
      dirs: o.dirs,
      logger: o.logger,
      cwd: old.cwd,
      discover: { ...(o.exclude ? { exclude: o.exclude } : {}), generation: nextGeneration() },
      extensions: o.extensions?.() ?? [],
    })
    const gen = await this.#running.host.build(app, true).catch(async (error: unknown) => {
      await app.close()
      throw error
    })
    adoptMounts(old, app)
    this.#generation++
    // The pointer is written at this call; the old generation drains in the background.
    return { actions: app.registry.size, retired: this.#running.host.swapRoot(gen) }
  }

  async #swapMount(name: string): Promise<{ actions: number; retired: Promise<void> }> {
    const manager = mountsOf(this.#running.app)
    const retired = (await manager?.reload(name))?.retired ?? Promise.resolve()
    return { actions: manager?.get(name)?.actions ?? 0, retired }
  }
}
