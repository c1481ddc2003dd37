import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { stop } from '../../test/support/serval-process.ts'
import { startCli, waitForLine } from '../../test/support/cli.ts'
import { createLogger, logFormat } from './logger.ts'

const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('pino-pretty'))

describe('logFormat', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', false, 'pretty'],
    ['pretty', true, 'pretty'],
  ] as const)('log_format=%s on a terminal=%s writes %s', (setting, tty, format) => {
    expect(logFormat(setting, tty)).toBe(format)
  })
})

describe('createLogger', () => {
  it('loads pino-pretty only for the pretty format', () => {
    const json = createLogger({ log_level: 'silent', log_format: 'auto' }, { isTTY: false })
    expect(json.level).toBe('silent')
    expect(loaded()).toBe(false)
    createLogger({ log_level: 'silent', log_format: 'auto' }, { isTTY: true })
    expect(loaded()).toBe(true)
  })

  it('`serval serve --log-format pretty` writes human-readable lines, not JSON', async () => {
    const child = startCli(['serve', 'test/fixtures/slow', '--port', '0', '--log-format', 'pretty'])
    try {
      const line = await waitForLine(child, /Serval listening/, 30_000)
      expect(() => JSON.parse(line)).toThrow()
      expect(line).toMatch(/INFO.*Serval listening on http:\/\/127\.0\.0\.1:\d+/)
    } finally {
      await stop(child)
    }
  }, 30_000)
})
