import type { App } from '../app/app.ts'
import { channelsOf, type RegisteredChannel } from '../channels/runtime.ts'
import { clientFrames, serverFrames } from './ws-messages.ts'

type Json = Record<string, any>

const KIND_TEXT = {
  websocket: 'Subscribe at GET /channels/{name} (WebSocket) or with a subscribe frame on /ws.',
  webhook: 'Each event is POSTed (JSON) to the configured receiver with Serval-Event-Id and Serval-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>; failures are retried with backoff.',
  background: 'Each event runs one job of an action, with the event as its input.',
} as const

/**
 * The AsyncAPI 3.0 document of an app: every channel with its event
 * schema, and `/ws` with its frames. The receiver URL of a webhook is not
 * published (it may be internal); its signature scheme is.
 *
 * @example
 * ```ts
 * const doc = buildAsyncApi(app)
 * doc.channels.messenger.address // '/channels/messenger'
 * ```
 */
export function buildAsyncApi(app: App, title = 'Serval API'): Json {
  const secured = app.settings.auth_mode !== 'none'
  const doc: Json = {
    asyncapi: '3.0.0',
    info: { title, version: app.functionsVersion, description: 'Event channels served by Serval' },
    defaultContentType: 'application/json',
    channels: {},
    operations: {},
    components: { messages: {}, ...(secured ? { securitySchemes: securitySchemes() } : {}) },
  }
  for (const channel of channelsOf(app).channels.values()) addChannel(doc, channel, secured)
  addWs(doc, secured)
  return doc
}

function addChannel(doc: Json, channel: RegisteredChannel, secured: boolean): void {
  const key = `${channel.name}.event`
  doc.components.messages[key] = { name: key, title: `${channel.name} event`, payload: channel.eventSchema }
  doc.channels[channel.name] = {
    address: channel.kind === 'websocket' ? `/channels/${channel.name}` : null,
    description: [channel.description, KIND_TEXT[channel.kind]].filter(Boolean).join('\n\n'),
    messages: { event: { $ref: `#/components/messages/${key}` } },
    'x-serval-kind': channel.kind,
  }
  doc.operations[`${channel.name}.publish`] = {
    action: 'send',
    channel: { $ref: `#/channels/${channel.name}` },
    messages: [{ $ref: `#/channels/${channel.name}/messages/event` }],
    ...(secured && channel.kind === 'websocket' ? { security: securityRefs() } : {}),
  }
}

function addWs(doc: Json, secured: boolean): void {
  const messages: Json = {}
  for (const [name, message] of Object.entries({ ...clientFrames, ...serverFrames })) {
    doc.components.messages[`ws.${name}`] = { name: `ws.${name}`, ...message }
    messages[name] = { $ref: `#/components/messages/ws.${name}` }
  }
  doc.channels.ws = { address: '/ws', description: 'One socket for calls and channels: calls go through the same pipeline as HTTP.', messages }
  const refs = (names: string[]) => names.map((n) => ({ $ref: `#/channels/ws/messages/${n}` }))
  const security = secured ? { security: securityRefs() } : {}
  doc.operations['ws.receive'] = { action: 'receive', channel: { $ref: '#/channels/ws' }, messages: refs(Object.keys(clientFrames)), ...security }
  doc.operations['ws.send'] = { action: 'send', channel: { $ref: '#/channels/ws' }, messages: refs(Object.keys(serverFrames)), ...security }
}

function securitySchemes(): Json {
  return {
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Authorization: Bearer <token> on the upgrade request' },
    accessToken: { type: 'httpApiKey', name: 'access_token', in: 'query', description: 'The token in ?access_token= (browsers cannot set headers on a WebSocket)' },
  }
}

function securityRefs(): Json[] {
  return [{ $ref: '#/components/securitySchemes/bearer' }, { $ref: '#/components/securitySchemes/accessToken' }]
}
