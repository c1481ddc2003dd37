import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { action, createApp, listen, ServalError, type Credentials, type Principal, type RunningServer, type Security } from 'serval'
import { defaultExtensions } from '../src/app/extensions.ts'
import { loadSettings } from '../src/config/load.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { call, jobStatus, submit } from './support/jobs.ts'

// A stand-in for the auth capability: "Bearer <name>" is user <name>; `adminOnly` needs "admin".
function principalOf(credentials: Credentials | undefined): Principal | null {
  const m = /^Bearer (\w+)$/.exec(credentials?.authorization ?? '')
  return m ? { sub: m[1]!, scopes: [], groups: [], claims: {} } : null
}
const security: Security = {
  open: false,
  authenticate: (_action, credentials) => {
    const principal = principalOf(credentials)
    if (!principal) throw new ServalError('unauthorized', { detail: 'token required', headers: { 'www-authenticate': 'Bearer' } })
    return principal
  },
  authorize: (action, principal) => {
    if (action.name === 'adminOnly' && principal?.sub !== 'admin') throw new ServalError('forbidden', { detail: 'admins only' })
  },
  identify: principalOf,
}

const as = (name: string) => ({ authorization: `Bearer ${name}` })
let running: RunningServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serval-jobs-auth-'))
  const { settings } = await loadSettings({ cli: { log_level: 'silent', port: 0, data_dir: dir }, filesOff: true, env: {} })
  const actions = [
    action({ name: 'whoAmI' }, (_input, ctx) => ({ sub: ctx.auth?.sub ?? null, trigger: ctx.trigger })),
    action({ name: 'adminOnly' }, () => 'secret'),
  ].map((a) => ({ action: a, exportName: a.def.name! }))
  const app = await createApp({ actions, settings, security, logger: pino({ level: 'silent' }), extensions: await defaultExtensions(settings) })
  running = await listen(app)
})
afterAll(async () => {
  await running.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('jobs under auth', () => {
  it("checks the submitter at submission and runs the job as them, without re-authenticating", async () => {
    const id = await submit(running.url, 'who-am-i', {}, as('alice'))
    await jobStatus(running.url, id, 'succeeded', 5000, as('alice'))
    expect((await call(running.url, 'GET', `/jobs/${id}/result`, undefined, as('alice'))).body).toEqual({ sub: 'alice', trigger: 'job' })
  })

  it('refuses a caller without a token (401) or without access (403): neither queues', async () => {
    const anonymous = await call(running.url, 'POST', '/jobs/who-am-i', {})
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    expect((await call(running.url, 'POST', '/jobs/admin-only', {}, as('alice'))).status).toBe(403)
    expect((await call(running.url, 'GET', '/jobs?action=adminOnly', undefined, as('alice'))).body.items).toEqual([])
  })

  it("shows a job only to its submitter: another caller gets 404 and does not see it listed", async () => {
    const id = await submit(running.url, 'who-am-i', {}, as('alice'))
    for (const path of [`/jobs/${id}`, `/jobs/${id}/result`]) {
      expect((await call(running.url, 'GET', path, undefined, as('bob'))).status).toBe(404)
      expect((await call(running.url, 'GET', path)).status).toBe(404)
    }
    expect((await call(running.url, 'DELETE', `/jobs/${id}`, undefined, as('bob'))).status).toBe(404)
    const bobs = (await call(running.url, 'GET', '/jobs', undefined, as('bob'))).body.items
    expect(bobs.map((j: { id: string }) => j.id)).not.toContain(id)
    const alices = (await call(running.url, 'GET', '/jobs', undefined, as('alice'))).body.items
    expect(alices.map((j: { id: string }) => j.id)).toContain(id)
  })
})
