import { ServalError } from '../errors/index.ts'
import type { CompiledAction } from './registry.ts'

/**
 * Which actions are switched off at runtime (`PATCH /_sys/config`). Kept by
 * name, not on the compiled action, so a registry rebuilt by a reload keeps
 * the switches. The pipeline reads `anyOff` first: while every action is on
 * (nearly always) an invocation pays one property read.
 *
 * @example
 * ```ts
 * const switches = new ActionSwitch()
 * switches.set('sayHello', false)
 * switches.isOff('sayHello') // true
 * ```
 */
export class ActionSwitch {
  readonly #off = new Set<string>()
  /** True while some action is off. */
  anyOff = false

  /** Whether the action with this name is off. */
  isOff(name: string): boolean {
    return this.anyOff && this.#off.has(name)
  }

  /** Switches one action on or off. */
  set(name: string, enabled: boolean): void {
    if (enabled) this.#off.delete(name)
    else this.#off.add(name)
    this.anyOff = this.#off.size > 0
  }

  /** Switches exactly these actions off, every other on. */
  replace(off: Iterable<string>): void {
    this.#off.clear()
    for (const name of off) this.#off.add(name)
    this.anyOff = this.#off.size > 0
  }

  /** The names that are off. */
  off(): string[] {
    return [...this.#off]
  }
}

/**
 * Refuses a call of a switched-off action: a 503 `action-disabled` on every
 * transport (HTTP, GraphQL, `/ws`, jobs, Lambda), since they all go through
 * the pipeline or the job service.
 *
 * @example
 * ```ts
 * assertEnabled(app.actionSwitch, action) // throws ServalError('action-disabled') when off
 * ```
 */
export function assertEnabled(switches: ActionSwitch | undefined, action: CompiledAction): void {
  if (switches !== undefined && switches.isOff(action.name)) {
    throw new ServalError('action-disabled', { detail: `The action "${action.name}" is disabled`, publicDetail: true })
  }
}
