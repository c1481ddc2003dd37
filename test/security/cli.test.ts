import { describe, expect, it } from 'vitest'
import { loadSettings } from 'serval'
import { devAuthEnv } from '../../src/auth/secrets.ts'
import { exited, runCli, startCli, waitForLine } from '../support/cli.ts'
import { SECRET } from './support.ts'

describe('auth from the command line', () => {
  it('refuses auth_mode=jwt without a secret outside dev mode: exit 2 naming SERVAL_JWT_SECRET', async () => {
    const res = await runCli(['serve', 'examples/auth', '--port', '0'], { env: { SERVAL_AUTH_MODE: 'jwt' } })
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('SERVAL_JWT_SECRET')
  })

  it('serval dev prints the debug password; POST /auth/token then issues a token the actions accept', async () => {
    // Without reload: one process (the reload supervisor hands the same secrets to each child, tested apart).
    const child = startCli(['dev', 'examples/auth', '--port', '0', '--auth-mode', 'jwt'], { env: { SERVAL_RELOAD: 'false' } })
    try {
      const [passwordLine, listening] = await Promise.all([waitForLine(child, /password: [\w-]+/), waitForLine(child, /Serval listening on/)])
      const password = /password: ([\w-]+)/.exec(passwordLine)![1]!
      const url = /(https?:\/\/[^\s")]+)/.exec(listening)![1]!
      const body = new URLSearchParams({ grant_type: 'password', username: 'ada', password, scope: 'notes:read' })
      const token = await (await fetch(`${url}/auth/token`, { method: 'POST', body })).json()
      expect(token, JSON.stringify(token)).toMatchObject({ token_type: 'bearer', scope: 'notes:read' })
      const notes = await fetch(`${url}/actions/list-notes`, { headers: { authorization: `Bearer ${token.access_token}` } })
      expect(notes.status).toBe(200)
      expect((await fetch(`${url}/actions/list-notes`)).status).toBe(401)
    } finally {
      child.kill('SIGTERM')
      await exited(child)
    }
  })

  it('a token minted by serval dev is refused (401) by serval serve with the same jwt_secret', async () => {
    const env = { SERVAL_AUTH_MODE: 'jwt', SERVAL_JWT_SECRET: SECRET, SERVAL_DEBUG_PASSWORD: 'let-me-in', SERVAL_RELOAD: 'false' }
    const dev = startCli(['dev', 'examples/auth', '--port', '0'], { env })
    const serve = startCli(['serve', 'examples/auth', '--port', '0'], { env })
    try {
      const urlOf = async (child: typeof dev) => /(https?:\/\/[^\s")]+)/.exec(await waitForLine(child, /Serval listening on/))![1]!
      const [devUrl, serveUrl] = await Promise.all([urlOf(dev), urlOf(serve)])
      const body = new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'let-me-in', scope: 'notes:read' })
      const { access_token: token } = await (await fetch(`${devUrl}/auth/token`, { method: 'POST', body })).json()
      const headers = { authorization: `Bearer ${token}` }
      expect((await fetch(`${devUrl}/actions/list-notes`, { headers })).status).toBe(200)
      const refused = await fetch(`${serveUrl}/actions/list-notes`, { headers })
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"')
    } finally {
      dev.kill('SIGTERM')
      serve.kill('SIGTERM')
      await Promise.all([exited(dev), exited(serve)])
    }
  })

  it('serval dev with reload generates the secret and password once, for every restart', async () => {
    const printed: string[] = []
    const { settings } = await loadSettings({ cli: { auth_mode: 'jwt', dev_mode: true }, filesOff: true, env: {} })
    const env = devAuthEnv(settings, (line) => void printed.push(line))
    expect(env.SERVAL_JWT_SECRET).toMatch(/^[\w-]{43}$/)
    expect(printed.join('\n')).toContain(`password: ${env.SERVAL_DEBUG_PASSWORD}`)
    const configured = await loadSettings({ cli: { auth_mode: 'jwt', jwt_secret: 's'.repeat(40), debug_password: 'pw' }, filesOff: true, env: {} })
    expect(devAuthEnv(configured.settings, () => undefined)).toEqual({})
  })
})
