import { fileURLToPath } from 'node:url'
import { createTestServer, type TestServer } from 'serval/testing'
import type { SettingName } from 'serval'
import { SECRET } from '../security/support.ts'

export const CHAT = fileURLToPath(new URL('../fixtures/channels', import.meta.url))
export const HOOKS = fileURLToPath(new URL('../fixtures/webhooks', import.meta.url))

/** The chat fixture served on a real socket (auth off unless settings say otherwise). */
export function chatServer(settings: Partial<Record<SettingName, unknown>> = {}): Promise<TestServer> {
  return createTestServer({ dirs: [CHAT] }, settings)
}

/** The chat fixture with auth_mode=jwt. */
export function securedChat(settings: Partial<Record<SettingName, unknown>> = {}): Promise<TestServer> {
  return chatServer({ auth_mode: 'jwt', jwt_secret: SECRET, ...settings })
}

/** POSTs JSON to an action and returns the parsed answer. */
export async function post(t: TestServer, action: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await t.fetch(`/actions/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}
