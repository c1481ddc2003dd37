import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createHandler } from 'serval/lambda'
import { httpApiEvent } from '../support/lambda-events.ts'

// Lambda answers HTTP events through the server's own routes: the credential kinds and the CSRF check come along.
// API Gateway ends TLS, so the server sees http: public_base_url names the origin pages are served from.
const examples = fileURLToPath(new URL('../../examples/auth', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'serval-lambda-kinds-'))
const handler = createHandler({
  dirs: [examples],
  settings: { log_level: 'silent', data_dir: scratch, api_keys_file: join(examples, 'api-keys.yaml'), basic_users_file: join(examples, 'users.yaml'), session_secret: 'lambda-session-secret-at-least-32-chars', public_base_url: 'https://id.execute-api.us-east-1.amazonaws.com' },
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const HOST = 'id.execute-api.us-east-1.amazonaws.com'

describe('credential kinds over Lambda (HTTP API events)', () => {
  it('takes an API key, a login cookie, and refuses the cookie on a cross-site POST', async () => {
    const keyed: any = await handler(httpApiEvent({ path: '/actions/list-notes', headers: { 'x-api-key': ['demo-key-not-for-production'] } }))
    expect(keyed.statusCode).toBe(200)
    expect((await handler(httpApiEvent({ path: '/actions/list-notes', headers: { 'x-api-key': ['wrong'] } })) as any).statusCode).toBe(401)
    const body = JSON.stringify({ username: 'ada', password: 'lovelace' })
    const login: any = await handler(httpApiEvent({ method: 'POST', path: '/auth/login', headers: { 'content-type': ['application/json'], origin: [`https://${HOST}`], host: [HOST] }, body }))
    expect(login.statusCode).toBe(200)
    const cookie = String(login.cookies[0]).split(';')[0]!
    const me: any = await handler(httpApiEvent({ path: '/actions/who-am-i', cookies: [cookie] }))
    expect(JSON.parse(me.body)).toMatchObject({ sub: 'ada' })
    const del = (origin: string) => handler(httpApiEvent({ method: 'POST', path: '/actions/delete-note', cookies: [cookie], headers: { 'content-type': ['application/json'], origin: [origin] }, body: '{"id":"nope"}' }))
    const refused: any = await del('https://evil.example')
    expect(refused.statusCode).toBe(403)
    expect(JSON.parse(refused.body).type).toBe('urn:serval:problem:cross-site-request')
  })
})
