import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from './support.ts'

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url))
const AUTH_EXAMPLES = fileURLToPath(new URL('../../examples/auth', import.meta.url))

describe('examples/auth', () => {
  it('is served by `npm start` (auth_mode=none) with its rules unenforced', async () => {
    const t = await createTestServer({ dirs: [EXAMPLES] })
    try {
      expect(await (await t.fetch('/actions/list-notes')).json()).toHaveLength(2)
    } finally {
      await t.close()
    }
  }, 30_000) // discovers and compiles every example (3.5 s alone): over the mutate set's 5 s testTimeout under Stryker's instrumentation

  it('enforces public, scoped and predicate rules with auth_mode=jwt', async () => {
    const t = await createTestServer({ dirs: [AUTH_EXAMPLES] }, { auth_mode: 'jwt', jwt_secret: SECRET })
    const post = (path: string, token: string, body: unknown) =>
      t.fetch(path, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) })
    try {
      const bob = await hs256({ sub: 'bob', scope: 'notes:read' })
      expect((await t.fetch('/actions/server-status')).status).toBe(200)
      expect((await t.fetch('/actions/who-am-i')).status).toBe(401)
      expect(await (await t.fetch('/actions/who-am-i', { headers: bearer(bob) })).json()).toMatchObject({ sub: 'bob', scopes: ['notes:read'] })
      expect((await t.fetch('/actions/list-notes', { headers: bearer(await hs256({ sub: 'eve' })) })).status).toBe(403)
      expect((await t.fetch('/actions/list-notes', { headers: bearer(bob) })).status).toBe(200)
      expect((await post('/actions/delete-note', bob, { id: 'n1' })).status).toBe(403) // ada's note
      expect(await (await post('/actions/delete-note', bob, { id: 'n2' })).json()).toEqual({ deleted: 'n2' })
    } finally {
      await t.close()
    }
  })
})
