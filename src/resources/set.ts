import type { App } from '../app/types.ts'
import { ServalError } from '../errors/index.ts'
import { isDisabled, type Resource } from './define.ts'
import type { ResourceSource } from './discover.ts'

/** Where one resource is in its life. */
export type ResourceState = 'pending' | 'opening' | 'open' | 'disabled' | 'failed' | 'closed'

interface Slot {
  readonly resource: Resource
  readonly file: string | undefined
  state: ResourceState
  value: unknown
  reason: string | undefined
}

/**
 * The resources of one app: opened one after another in declaration order
 * (a later one may use an earlier one), closed in reverse, each read
 * through a getter on `app.resources`. A getter of a resource that is not
 * open throws a 503 `resource-unavailable` (with `Retry-After` while it is
 * still opening): an action that needs it answers at once instead of
 * hanging, and the others serve normally.
 *
 * @example
 * ```ts
 * const set = new ResourceSet(app, sources)
 * set.install(app.resources)
 * await set.open()
 * ```
 */
export class ResourceSet {
  readonly #app: App
  readonly #slots: Slot[]
  #opening: Promise<void> | undefined
  readonly #abort = new AbortController()

  constructor(app: App, sources: readonly ResourceSource[]) {
    this.#app = app
    this.#slots = sources.map((s) => ({ resource: s.resource, file: s.file, state: 'pending', value: undefined, reason: undefined }))
  }

  /** Defines a getter per resource on `target` (the app's `resources`); a name already there is an error. */
  install(target: object): void {
    for (const slot of this.#slots) {
      const name = slot.resource.name
      if (Object.prototype.hasOwnProperty.call(target, name)) throw new ServalError('bad-request', { title: 'Duplicate resource', detail: `The resource "${name}"${where(slot)} is also given to createApp as a value` })
      Object.defineProperty(target, name, { enumerable: true, get: () => this.#read(slot) })
    }
  }

  /** Opens every resource once (later calls get the same promise); rejects with `resource-failed` naming the first that failed. */
  open(): Promise<void> {
    return (this.#opening ??= this.#openAll())
  }

  /** Why the app cannot serve yet, or undefined once every resource is open (or disabled). */
  notReady(): string | undefined {
    const slot = this.#slots.find((s) => s.state !== 'open' && s.state !== 'disabled')
    return slot && `resource "${slot.resource.name}" is ${slot.state}`
  }

  /** Each resource's name and state, for `/_sys/info`. */
  states(): { name: string; state: ResourceState; reason?: string }[] {
    return this.#slots.map((s) => ({ name: s.resource.name, state: s.state, ...(s.reason ? { reason: s.reason } : {}) }))
  }

  /** Closes the open resources, last opened first; a close that throws is logged and the others still close. */
  async close(): Promise<void> {
    this.#abort.abort(new ServalError('unavailable', { detail: 'The server is shutting down', publicDetail: true }))
    await this.#opening?.catch(() => undefined)
    for (const slot of [...this.#slots].reverse()) {
      const wasOpen = slot.state === 'open'
      slot.state = 'closed'
      if (!wasOpen || !slot.resource.def.close) continue
      try {
        await slot.resource.def.close(slot.value)
      } catch (err) {
        this.#app.logger.error({ err, resource: slot.resource.name }, `resource "${slot.resource.name}" failed to close`)
      }
    }
  }

  async #openAll(): Promise<void> {
    for (const slot of this.#slots) await this.#openOne(slot)
  }

  async #openOne(slot: Slot): Promise<void> {
    const name = slot.resource.name
    const timeoutS = this.#app.settings.resource_open_timeout_s
    const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeoutS * 1000)])
    slot.state = 'opening'
    const started = performance.now()
    try {
      const value = await untilAborted(Promise.resolve(slot.resource.def.open({ settings: this.#app.settings, logger: this.#app.logger, signal })), signal)
      if (slot.state !== 'opening') return void (await slot.resource.def.close?.(value as never)) // shut down meanwhile
      this.#settle(slot, value, performance.now() - started)
    } catch (cause) {
      slot.state = 'failed'
      const message = signal.aborted && !this.#abort.signal.aborted ? `did not open within resource_open_timeout_s (${timeoutS} s)` : (cause as Error)?.message ?? String(cause)
      slot.reason = message
      throw new ServalError('resource-failed', { detail: `Resource "${name}"${where(slot)} failed to open: ${message}`, cause })
    }
  }

  #settle(slot: Slot, value: unknown, ms: number): void {
    const name = slot.resource.name
    if (isDisabled(value)) {
      slot.state = 'disabled'
      slot.reason = value.reason
      this.#app.logger.info({ resource: name, reason: value.reason }, `resource "${name}" is disabled: ${value.reason}`)
      return
    }
    slot.state = 'open'
    slot.value = value
    this.#app.logger.info({ resource: name, ms: Math.round(ms) }, `resource "${name}" is open`)
  }

  #read(slot: Slot): unknown {
    if (slot.state === 'open') return slot.value
    const name = slot.resource.name
    const opening = slot.state === 'pending' || slot.state === 'opening'
    const detail = opening ? `The resource "${name}" is not open yet; retry shortly` : slot.state === 'disabled' ? `The resource "${name}" is disabled: ${slot.reason}` : `The resource "${name}" is ${slot.state}`
    throw new ServalError('resource-unavailable', { detail, ...(opening ? { headers: { 'retry-after': '1' } } : {}) })
  }
}

function where(slot: Slot): string {
  return slot.file ? ` (${slot.file})` : ''
}

/** Settles with `work`, or rejects as soon as `signal` aborts (an `open` that ignores its signal cannot hang startup). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
