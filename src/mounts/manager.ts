import { resolve } from 'node:path'
import type { Logger } from 'pino'
import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { mountIssues, prefixesOverlap, type MountSpec } from '../config/mounts.ts'
import { basePath } from '../config/public-url.ts'
import { forgetRequired, nextGeneration } from '../dev/fresh-imports.ts'
import { ServalError } from '../errors/index.ts'
import type { Host } from '../http/host.ts'
import { underDeployRoot } from './deploy-root.ts'
import { invalidMount } from './errors.ts'
import { mountSettings } from './settings.ts'

/** A mount as `GET /_sys/mounts` shows it. */
export interface MountView {
  readonly name: string
  readonly prefix: string
  readonly dirs: readonly string[]
  /** `config`: from the `mounts` setting; `api`: deployed through `POST /_sys/mounts`. */
  readonly source: 'config' | 'api'
  readonly actions: number
  readonly openapi: string
  readonly docs: string
}

interface Entry {
  readonly spec: MountSpec
  readonly dirs: readonly string[]
  readonly source: 'config' | 'api'
}

const managers = new WeakMap<App, MountManager>()
// Dirs some mount of this process has imported. The first load of a dir
// imports its files as they are; only a later one (a redeploy, a dev reload,
// a second mount of the same dir) needs a fresh generation, and with it the
// import hook, which costs a loader thread and slows every import after it.
const imported = new Set<string>()

/**
 * The mounts of a host: the configured ones, and those deployed and
 * undeployed at runtime. Each mount is its own App (registry, settings,
 * extensions, OpenAPI) behind its prefix; deploying builds and readies it
 * before the host routes a single request to it, undeploying lets its
 * in-flight requests finish.
 *
 * @example
 * ```ts
 * const manager = mountsOf(app)
 * await manager?.deploy({ name: 'billing', prefix: '/billing', dirs: ['billing'] })
 * ```
 */
export class MountManager {
  readonly #host: Host
  readonly #entries = new Map<string, Entry>()
  /** Names and prefixes being deployed now: a second deploy of either is a 409 before anything loads. */
  readonly #pending = new Map<string, string>()

  constructor(host: Host) {
    this.#host = host
  }

  get #root(): App {
    return this.#host.root.app
  }

  /** Loads the mounts of the `mounts` setting; a failing one fails startup, naming it. */
  async openConfigured(specs: readonly MountSpec[]): Promise<void> {
    for (const spec of specs) {
      const dirs = spec.dirs.map((d) => resolve(this.#root.cwd, d))
      const app = await this.#load(spec, dirs).catch((error: unknown) => {
        throw new Error(`mount "${spec.name}" (${spec.prefix}): ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      })
      await this.#host.addMount(spec.name, spec.prefix, await this.#host.build(app, true), false)
      this.#entries.set(spec.name, { spec, dirs, source: 'config' })
    }
  }

  /** Every mount, in prefix order. */
  list(): MountView[] {
    return [...this.#entries.values()].sort((a, b) => a.spec.prefix.localeCompare(b.spec.prefix)).map((e) => this.#view(e))
  }

  /** One mount, or undefined. */
  get(name: string): MountView | undefined {
    const entry = this.#entries.get(name)
    return entry && this.#view(entry)
  }

  /**
   * Deploys a mount from a request body: checked (422), unique (409), dirs
   * under `deploy_root` (422), loaded (a file that fails is a 422 naming
   * it), then added. Other traffic never waits for it.
   */
  async deploy(body: unknown): Promise<MountView> {
    const issues = mountIssues(body, '').map((i) => ({ path: i.path === '/' ? '' : `/${i.path.replaceAll('.', '/')}`, message: i.message }))
    if (issues.length) throw invalidMount(issues)
    const spec = body as MountSpec
    this.#checkFree(spec)
    const { dirs, issues: dirIssues } = underDeployRoot(resolve(this.#root.cwd, this.#root.settings.deploy_root), spec.dirs)
    if (dirIssues.length) throw invalidMount(dirIssues)
    this.#pending.set(spec.name, spec.prefix)
    try {
      const app = await this.#load(spec, dirs).catch((error: unknown) => {
        throw new ServalError('deploy-failed', { detail: `Mount "${spec.name}" cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, publicDetail: true })
      })
      const gen = await this.#host.build(app, true).catch(async (error: unknown) => {
        await app.close()
        throw error
      })
      await this.#host.addMount(spec.name, spec.prefix, gen)
      const entry: Entry = { spec: { ...spec, dirs: [...spec.dirs] }, dirs, source: 'api' }
      this.#entries.set(spec.name, entry)
      this.#root.logger.info({ mount: spec.name, prefix: spec.prefix, actions: app.registry.size }, `mount deployed: ${spec.prefix}`)
      return this.#view(entry)
    } finally {
      this.#pending.delete(spec.name)
    }
  }

  /** Undeploys a mount (a configured one too, until the next start): its in-flight requests finish first. */
  async undeploy(name: string): Promise<void> {
    const entry = this.#entries.get(name)
    if (!entry) throw new ServalError('not-found', { detail: `No mount named "${name}"` })
    this.#entries.delete(name)
    this.#root.logger.info({ mount: name, prefix: entry.spec.prefix }, `mount undeployed: ${entry.spec.prefix}`)
    await this.#host.removeMount(name)
  }

  /**
   * Builds a new generation of a mount from its dirs and swaps it in (dev
   * reload); resolves at the swap, with the promise of the old one's retirement.
   */
  async reload(name: string): Promise<{ retired: Promise<void> } | undefined> {
    const entry = this.#entries.get(name)
    if (!entry) return undefined
    const app = await this.#load(entry.spec, entry.dirs)
    const gen = await this.#host.build(app, true)
    return { retired: this.#host.swapMount(name, gen) }
  }

  /** The mount whose dirs hold `file`, if any. */
  owning(file: string): string | undefined {
    for (const [name, entry] of this.#entries) if (entry.dirs.some((d) => file === d || file.startsWith(`${d}/`))) return name
    return undefined
  }

  #checkFree(spec: MountSpec): void {
    const taken = [...[...this.#entries.values()].map((e) => [e.spec.name, e.spec.prefix] as const), ...this.#pending]
    const byName = taken.find(([name]) => name === spec.name)
    if (byName) throw new ServalError('mount-exists', { detail: `A mount named "${spec.name}" exists`, publicDetail: true })
    const byPrefix = taken.find(([, prefix]) => prefixesOverlap(prefix, spec.prefix))
    if (byPrefix) throw new ServalError('mount-exists', { detail: `${spec.prefix} overlaps the prefix ${byPrefix[1]} of mount "${byPrefix[0]}"`, publicDetail: true })
  }

  #load(spec: MountSpec, dirs: readonly string[]): Promise<App> {
    const root = this.#root
    const settings: Settings = mountSettings(root.settings, spec, dirs)
    const logger: Logger = root.logger.child({ mount: spec.name })
    forgetRequired(dirs)
    const fresh = dirs.some((d) => imported.has(d))
    for (const d of dirs) imported.add(d)
    return loadApp({ settings, dirs, logger, cwd: root.cwd, discover: fresh ? { generation: nextGeneration() } : {} })
  }

  #view(entry: Entry): MountView {
    const prefix = entry.spec.prefix
    const app = this.#host.mounts.find((m) => m.name === entry.spec.name)?.app
    // Links as a client follows them: behind the root's own base_path, if any.
    const at = `${basePath(this.#root.settings)}${prefix}`
    return { name: entry.spec.name, prefix, dirs: entry.spec.dirs, source: entry.source, actions: app?.registry.size ?? 0, openapi: `${at}/openapi.json`, docs: `${at}/docs` }
  }
}

/**
 * Opens the mounts of a root app's host (the `mounts` setting) and lets the
 * app's admin routes find them.
 *
 * @example
 * ```ts
 * const host = await createHost(app)
 * await openMounts(host, app)
 * ```
 */
export async function openMounts(host: Host, app: App): Promise<MountManager> {
  const manager = new MountManager(host)
  managers.set(app, manager)
  await manager.openConfigured(app.settings.mounts)
  return manager
}

/**
 * The mounts of the host serving `app` (a root app); after a dev reload the
 * new root app is bound to the same mounts.
 *
 * @example
 * ```ts
 * mountsOf(app)?.list()
 * ```
 */
export function mountsOf(app: App): MountManager | undefined {
  return managers.get(app)
}

/** Binds a new root generation's app to the mounts of the one it replaces. */
export function adoptMounts(from: App, to: App): void {
  const manager = managers.get(from)
  if (manager) managers.set(to, manager)
}
