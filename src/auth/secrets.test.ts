import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { loadSettings } from '../config/index.ts'
import { SettingsError } from '../config/parse.ts'
import { debugPassword, devAuthEnv, jwtSecret } from './secrets.ts'

const settingsOf = async (cli: Record<string, unknown>) => (await loadSettings({ cli, filesOff: true, env: {} })).settings
const logger = () => {
  const warnings: string[] = []
  const log = { warn: (a: unknown, b?: string) => void warnings.push(typeof a === 'string' ? a : (b ?? '')) } as unknown as Logger
  return { log, warnings }
}

afterEach(() => vi.restoreAllMocks())

describe('jwtSecret', () => {
  it('uses the configured secret, and warns only when it is shorter than 32 characters', async () => {
    for (const [secret, warned] of [['s'.repeat(31), 1], ['s'.repeat(32), 0]] as const) {
      const { log, warnings } = logger()
      expect(jwtSecret(await settingsOf({ auth_mode: 'jwt', jwt_secret: secret }), log)).toBe(secret)
      expect(warnings.length, `${secret.length} characters`).toBe(warned)
    }
  })

  it('without one, is a startup error naming SERVAL_JWT_SECRET outside dev mode', async () => {
    const { log } = logger()
    const settings = await settingsOf({ auth_mode: 'jwt' })
    expect(() => jwtSecret(settings, log)).toThrow(SettingsError)
    expect(() => jwtSecret(settings, log)).toThrow(/^SERVAL_JWT_SECRET: is required when auth_mode=jwt/)
  })

  it('in dev mode, generates a fresh 256-bit secret per process and prints it, so tokens can be minted by hand', async () => {
    const settings = await settingsOf({ auth_mode: 'jwt', dev_mode: true })
    const { log, warnings } = logger()
    const one = jwtSecret(settings, log)
    expect(one).toMatch(/^[\w-]{43}$/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(one)
    expect(jwtSecret(settings, log)).not.toBe(one)
  })
})

describe('debugPassword', () => {
  it('uses debug_password when set, without printing it', async () => {
    const { log, warnings } = logger()
    expect(debugPassword(await settingsOf({ debug_password: 'let-me-in' }), log)).toBe('let-me-in')
    expect(warnings).toEqual([])
  })

  it('else generates one and prints it with the endpoint that takes it', async () => {
    const { log, warnings } = logger()
    const settings = await settingsOf({})
    const password = debugPassword(settings, log)
    expect(password).toMatch(/^[\w-]{16}$/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`POST /auth/token`)
    expect(warnings[0]).toContain(`password: ${password}`)
    expect(debugPassword(settings, log)).not.toBe(password)
  })
})

describe('devAuthEnv (serval dev with reload)', () => {
  it('generates the secret and the password once and prints each with its value', async () => {
    const printed: string[] = []
    const env = devAuthEnv(await settingsOf({ auth_mode: 'jwt', dev_mode: true }), (line) => void printed.push(line))
    expect(Object.keys(env).sort()).toEqual(['SERVAL_DEBUG_PASSWORD', 'SERVAL_JWT_SECRET'])
    expect(env.SERVAL_JWT_SECRET).toMatch(/^[\w-]{43}$/)
    expect(env.SERVAL_DEBUG_PASSWORD).toMatch(/^[\w-]{16}$/)
    expect(printed).toHaveLength(2)
    expect(printed[0]).toContain(`jwt_secret for this session: ${env.SERVAL_JWT_SECRET}`)
    expect(printed[1]).toContain(`POST /auth/token`)
    expect(printed[1]).toContain(`password: ${env.SERVAL_DEBUG_PASSWORD}`)
  })

  it('generates only what is not configured', async () => {
    const printed: string[] = []
    const print = (line: string) => void printed.push(line)
    const withSecret = devAuthEnv(await settingsOf({ auth_mode: 'jwt', jwt_secret: 's'.repeat(40) }), print)
    expect(Object.keys(withSecret)).toEqual(['SERVAL_DEBUG_PASSWORD'])
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain(withSecret.SERVAL_DEBUG_PASSWORD)
    printed.length = 0
    const withPassword = devAuthEnv(await settingsOf({ auth_mode: 'jwt', debug_password: 'pw' }), print)
    expect(Object.keys(withPassword)).toEqual(['SERVAL_JWT_SECRET'])
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain(withPassword.SERVAL_JWT_SECRET)
    printed.length = 0
    expect(devAuthEnv(await settingsOf({ auth_mode: 'jwt', jwt_secret: 's'.repeat(40), debug_password: 'pw' }), print)).toEqual({})
    expect(printed).toEqual([])
  })

  it('sets nothing and prints nothing unless auth_mode=jwt', async () => {
    const printed: string[] = []
    expect(devAuthEnv(await settingsOf({ dev_mode: true }), (line) => void printed.push(line))).toEqual({})
    expect(printed).toEqual([])
  })

  it('prints to stderr by default', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const env = devAuthEnv(await settingsOf({ auth_mode: 'jwt', debug_password: 'pw' }))
    expect(write).toHaveBeenCalledTimes(1)
    expect(String(write.mock.calls[0]![0])).toBe(`serval dev: generated jwt_secret for this session: ${env.SERVAL_JWT_SECRET}\n`)
  })
})
