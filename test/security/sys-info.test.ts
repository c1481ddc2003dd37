import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from './support.ts'

const DIRS = ['test/fixtures/basic']
const PUBLIC_KEYS = ['actions', 'functionsVersion', 'name', 'node', 'uptimeS', 'version']

async function info(t: TestServer, headers: Record<string, string> = {}) {
  const res = await t.fetch('/_sys/info', { headers })
  return { status: res.status, text: await res.text() }
}

describe('/_sys/info outside dev mode', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ dirs: DIRS }, { auth_mode: 'jwt', jwt_secret: SECRET })
    await t.fetch('/jobs') // opens the job backend, so it has state to show
  })
  afterAll(() => t.close())

  it('shows anonymous callers the public facts only: no data dir, no file paths, no capability state', async () => {
    const { status, text } = await info(t)
    expect(status).toBe(200)
    const body = JSON.parse(text)
    expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS)
    expect(body.actions.length).toBeGreaterThan(0)
    expect(body.actions[0]).toEqual(expect.objectContaining({ name: expect.any(String), path: expect.stringMatching(/^\/actions\//) }))
    expect(text).not.toContain(t.app.settings.data_dir)
    expect(text).not.toContain(process.cwd())
    expect(text).not.toMatch(/"file"|"jobs"|"dataDir"|"devMode"/)
  })

  it('shows a token without serval:admin the same public facts', async () => {
    const body = JSON.parse((await info(t, bearer(await hs256({ sub: 'ada', scope: 'notes:read admin' })))).text)
    expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS)
  })

  it('shows a serval:admin principal the internals', async () => {
    const { status, text } = await info(t, bearer(await hs256({ sub: 'ops', scope: 'serval:admin' })))
    expect(status).toBe(200)
    const body = JSON.parse(text)
    expect(body).toMatchObject({ devMode: false, jobs: { mode: 'embedded', dataDir: expect.stringContaining(t.app.settings.data_dir) }, auth: { mode: 'jwt' } })
    expect(body.actions.some((a: { file?: string }) => a.file?.includes('test/fixtures/basic'))).toBe(true)
  })

  it('refuses a bad token with 401, as every route does', async () => {
    const { status } = await info(t, bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }, { secret: 'x'.repeat(40) })))
    expect(status).toBe(401)
  })
})

describe('/_sys/info in dev mode', () => {
  it('shows everyone the internals', async () => {
    const t = await createTestServer({ dirs: DIRS }, { dev_mode: true })
    try {
      await t.fetch('/jobs')
      const body = JSON.parse((await info(t)).text)
      expect(body).toMatchObject({ devMode: true, jobs: { mode: 'embedded', dataDir: expect.any(String) } })
      expect(body.actions.some((a: { file?: string }) => typeof a.file === 'string')).toBe(true)
    } finally {
      await t.close()
    }
  })
})
