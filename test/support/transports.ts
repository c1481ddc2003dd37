import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import type { SettingName } from 'serval'

/** A response, the same shape whichever transport produced it. */
export interface TestResponse {
  status: number
  headers: Record<string, string>
  text: string
  json: any
}

/** Sends one request; `body` objects are sent as JSON. */
export type Send = (method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }) => Promise<TestResponse>

/** The fixture folder with every kind of action the HTTP tests need. */
export const BASIC = fileURLToPath(new URL('../fixtures/basic', import.meta.url))

function encode(init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const headers = { ...init.headers }
  let payload: string | Buffer | undefined
  if (typeof init.body === 'string' || Buffer.isBuffer(init.body)) payload = init.body
  else if (init.body !== undefined) {
    payload = JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  return { headers, payload }
}

function parse(status: number, headers: Record<string, string>, text: string): TestResponse {
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status, headers, text, json }
}

/**
 * Runs a suite twice: through Fastify's in-process `inject()` and over a
 * real socket with `fetch`, so both paths are held to the same behaviour.
 */
export function describeBoth(
  name: string,
  suite: (send: () => Send, server: () => TestServer) => void,
  options: { dirs?: string[]; settings?: Partial<Record<SettingName, unknown>> } = {},
): void {
  for (const transport of ['inject', 'socket'] as const) {
    describe(`${name} [${transport}]`, () => {
      let server: TestServer
      beforeAll(async () => {
        server = await createTestServer({ dirs: options.dirs ?? [BASIC] }, options.settings ?? {})
      })
      afterAll(() => server.close())
      const send: Send = async (method, path, init) => {
        const { headers, payload } = encode(init)
        if (transport === 'inject') {
          const res = await server.server.inject({ method: method as 'GET', url: path, headers, ...(payload !== undefined ? { payload } : {}) })
          return parse(res.statusCode, res.headers as Record<string, string>, res.body)
        }
        const res = await fetch(`${server.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload as BodyInit } : {}) })
        return parse(res.status, Object.fromEntries(res.headers), await res.text())
      }
      suite(() => send, () => server)
    })
  }
}
