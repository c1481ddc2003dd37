import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, createApp, loadSettings, type ActionSource, type RunningServer } from 'serval'
import { defaultExtensions } from '../../src/app/extensions.ts'
import { BearerSecurity } from '../../src/auth/bearer-security.ts'
import { createHs256Verifier, hs256Key } from '../../src/auth/verify-hs256.ts'
import { listen } from '../../src/http/listen.ts'
import { bearer, hs256, SECRET } from '../security/support.ts'

// A GraphQL operation invokes an action per field, each through the pipeline's auth step: the
// request's token must be verified once, not once per field, and never outlive its exp.
const verified: string[] = []
const hs = createHs256Verifier(await hs256Key(SECRET), { clockSkewS: 0 })
const security = new BearerSecurity({ verify: (token) => (verified.push(token), hs.verify(token)) }, { allowed: new Set() })
const actions: ActionSource[] = [{ exportName: 'whoami', action: action({ http: 'GET', input: z.object({ n: z.number().int() }), output: z.string() }, ({ n }, ctx) => `${ctx.auth!.sub}:${n}`) }]

let running: RunningServer
const gql = async (query: string, headers: Record<string, string>) => {
  const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) })
  return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] }
}
const threeFields = '{ a: whoami(n: 1) b: whoami(n: 2) c: whoami(n: 3) }'

beforeAll(async () => {
  const { settings } = await loadSettings({ cli: { port: 0, host: '127.0.0.1', log_level: 'silent', auth_mode: 'jwt', jwt_secret: SECRET }, filesOff: true, env: {} })
  const app = await createApp({ actions, settings, security, extensions: await defaultExtensions(settings) })
  running = await listen(app)
})
afterAll(() => running?.close())

describe('the token of a GraphQL request', () => {
  it('is verified once for every field of the request, and again for the next request', async () => {
    const token = await hs256({ sub: 'ann' })
    verified.length = 0
    expect(await gql(threeFields, bearer(token))).toEqual({ data: { a: 'ann:1', b: 'ann:2', c: 'ann:3' } })
    expect(verified).toEqual([token])
    await gql(threeFields, bearer(token))
    expect(verified).toEqual([token, token])
  })

  it('is refused on every field once expired', async () => {
    const expired = await hs256({ sub: 'ann' }, { expS: -1 })
    const body = await gql(threeFields, bearer(expired))
    expect(body.data).toEqual({ a: null, b: null, c: null })
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['unauthorized', 'unauthorized', 'unauthorized'])
  })
})
