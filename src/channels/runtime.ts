import { randomUUID } from 'node:crypto'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { jobsOf } from '../jobs/service.ts'
import { compileInput } from '../schema/index.ts'
import type { JsonSchemaObject } from '../schema/infer.ts'
import { channelGate, type ChannelGate } from './access.ts'
import { ChannelHub } from './hub.ts'
import type { NamedChannel } from './registry.ts'
import { CHANNEL_SINKS, type ChannelDef, type ChannelSink } from './types.ts'

/**
 * A channel as the running app knows it: its gate, its event's JSON Schema, and how a publish reaches it.
 *
 * @example
 * ```ts
 * channelsOf(app).channels.get('messenger')?.eventSchema // { type: 'object', … }
 * ```
 */
export interface RegisteredChannel extends NamedChannel {
  readonly gate: ChannelGate
  readonly eventSchema: JsonSchemaObject
  readonly description: string | undefined
}

/**
 * The channels of one app: the registry by name and the hub of this
 * process. Transports (WebSocket, GraphQL subscriptions) subscribe
 * through it; `channelsOf(app)` finds it.
 *
 * @example
 * ```ts
 * const { hub, channels } = channelsOf(app)
 * channels.get('messenger')?.kind // 'websocket'
 * ```
 */
export interface ChannelRuntime {
  readonly channels: ReadonlyMap<string, RegisteredChannel>
  readonly hub: ChannelHub
}

const runtimes = new WeakMap<App, ChannelRuntime>()
const EMPTY = new Map<string, RegisteredChannel>()

/**
 * The channel runtime of an app (an empty one when the app has no channels).
 *
 * @example
 * ```ts
 * channelsOf(app).hub.count('messenger') // local subscribers
 * ```
 */
export function channelsOf(app: App): ChannelRuntime {
  let runtime = runtimes.get(app)
  if (!runtime) runtimes.set(app, (runtime = { channels: EMPTY, hub: new ChannelHub() }))
  return runtime
}

/**
 * Registers the app's channels and attaches each one's `publish` to it; returns the function that detaches them.
 *
 * @example
 * ```ts
 * const detach = await attachChannels(app, nameChannels(sources))
 * ```
 */
export async function attachChannels(app: App, named: readonly NamedChannel[]): Promise<() => void> {
  const hub = new ChannelHub()
  hub.onFilterError = (error, channel) => app.logger.error({ err: error, channel }, 'a channel filter threw; the event was withheld')
  const channels = new Map<string, RegisteredChannel>()
  const detach: (() => void)[] = []
  for (const entry of named) {
    const registered = await register(app, entry)
    channels.set(entry.name, registered)
    const filter = (entry.channel.def as ChannelDef).filter
    if (entry.kind === 'websocket' && filter) hub.setFilter(entry.name, filter as (e: unknown, p: unknown) => boolean)
    const sink = sinkOf(app, hub, registered)
    entry.channel[CHANNEL_SINKS].add(sink)
    detach.push(() => entry.channel[CHANNEL_SINKS].delete(sink))
  }
  runtimes.set(app, { channels, hub })
  return () => detach.forEach((d) => d())
}

async function register(app: App, entry: NamedChannel): Promise<RegisteredChannel> {
  const def = entry.channel.def as ChannelDef
  const eventSchema = entry.kind === 'background' ? backgroundAction(app, entry).input.jsonSchema : (await compileInput(def.event)).jsonSchema
  return { ...entry, gate: channelGate(entry.name, def.access), eventSchema, description: def.description }
}

function sinkOf(app: App, hub: ChannelHub, entry: RegisteredChannel): ChannelSink {
  if (entry.kind === 'websocket') return (event, _raw, options) => hub.publish(entry.name, event, options.connectionId)
  const action = entry.kind === 'webhook' ? app.registry.get(`webhook:${entry.name}`) : backgroundAction(app, entry)
  if (!action) throw new ServalError('internal', { detail: `The deliveries of webhook "${entry.name}" are not registered` })
  return async (event, raw) => {
    const input = entry.kind === 'webhook' ? { id: randomUUID(), event } : raw
    await jobsOf(app).submit(action, input, { principal: null })
  }
}

function backgroundAction(app: App, entry: NamedChannel): CompiledAction {
  const found = app.registry.list().find((a) => a.action === entry.channel.action)
  if (found) return found
  throw new ServalError('bad-request', {
    title: 'Invalid channel',
    detail: `background channel "${entry.name}"${entry.file ? ` (in ${entry.file})` : ''}: its action is not served; export it from a file in a function dir`,
  })
}
