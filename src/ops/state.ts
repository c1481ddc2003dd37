import type { App } from '../app/app.ts'
import { InFlight } from './in-flight.ts'
import { RuntimeConfig } from './runtime-config.ts'

/**
 * The operations state of one app: its requests in flight and its
 * runtime config. Made on first use, so an app built without the ops
 * extension (a test's `createApp`) still has both, with no overrides.
 *
 * @example
 * ```ts
 * opsOf(app).inFlight.size // requests being answered now
 * await opsOf(app).config.patch({ log_level: 'warn' })
 * ```
 */
export interface Ops {
  readonly inFlight: InFlight
  readonly config: RuntimeConfig
}

const states = new WeakMap<App, Ops>()

/**
 * The operations state of an app (see `Ops`).
 *
 * @example
 * ```ts
 * const { inFlight, config } = opsOf(app)
 * ```
 */
export function opsOf(app: App): Ops {
  let ops = states.get(app)
  if (ops === undefined) {
    ops = { inFlight: new InFlight(app.settings.max_concurrency), config: new RuntimeConfig(app) }
    states.set(app, ops)
  }
  return ops
}
