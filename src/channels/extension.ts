import { buildAsyncApi } from '../asyncapi/document.ts'
import type { ActionSource } from '../core/registry.ts'
import type { Extension } from '../app/extension.ts'
import type { Settings } from '../config/definitions.ts'
import { redisFanout } from './redis.ts'
import { nameChannels } from './registry.ts'
import { attachChannels, channelsOf } from './runtime.ts'
import type { ChannelSource, WebhookDef } from './types.ts'
import { webhookAction } from './webhook.ts'

/**
 * What an app needs for its channels: the internal actions (webhook deliveries) and the extension.
 *
 * @example
 * ```ts
 * const { actions, extension }: ChannelsSetup = channelsSetup(sources, settings)
 * ```
 */
export interface ChannelsSetup {
  readonly actions: ActionSource[]
  readonly extension: Extension
}

/**
 * Checks the channels (names, duplicates) and prepares them for an app:
 * a webhook's deliveries are jobs of an internal action `webhook:<name>`,
 * which must be in the registry, so they are returned as action sources.
 *
 * @example
 * ```ts
 * const setup = channelsSetup(await discoverChannels(dirs), settings)
 * const app = await createApp({ actions: [...actions, ...setup.actions], extensions: [...extensions, setup.extension] })
 * ```
 */
export function channelsSetup(sources: readonly ChannelSource[], settings: Settings): ChannelsSetup {
  const named = nameChannels(sources)
  const actions = named
    .filter((n) => n.kind === 'webhook')
    .map((n) => ({ action: webhookAction(n.name, n.channel.def as WebhookDef, settings.webhook_max_backoff_s), exportName: `webhook:${n.name}`, internal: true, ...(n.file ? { file: n.file } : {}) }))
  let detach: (() => void) | undefined
  let fanout: ReturnType<typeof redisFanout> | undefined
  const extension: Extension = {
    name: 'channels',
    async start(app) {
      detach = await attachChannels(app, named)
      const { hub } = channelsOf(app)
      const url = app.settings.redis_url
      // No channels, no fan-out: an app without them opens no Redis connection for it.
      if (url && named.length > 0) hub.useFanout((fanout = redisFanout(hub, { url, prefix: app.settings.redis_prefix, logger: app.logger })))
    },
    routes: (app) => [{ method: 'GET', path: '/asyncapi.json', handle: () => ({ status: 200, body: buildAsyncApi(app) }) }],
    // Only a process that serves listens for other instances' events; one-shot commands just publish.
    serve: () => fanout?.listen(),
    info: (app) => ({ channels: { count: channelsOf(app).channels.size, subscribers: channelsOf(app).hub.count() } }),
    async stop(app) {
      detach?.()
      await channelsOf(app).hub.close()
    },
  }
  return { actions, extension }
}
