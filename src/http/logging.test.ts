import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action } from '../action/define.ts'
import { createApp } from '../app/app.ts'
import { listen, type RunningServer } from './listen.ts'

// Fastify runs without a logger instance of its own (it would cost every
// request a child logger and response listeners); these lines must still reach the app's logger.
describe('HTTP logging', () => {
  const lines: Array<Record<string, unknown>> = []
  let running: RunningServer
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    })
    const boom = action({}, () => {
      throw new Error('kaboom')
    })
    const app = await createApp({
      actions: [{ action: boom, exportName: 'boom' }],
      settings: { host: '127.0.0.1', port: 0 },
      logger: pino({ level: 'info' }, sink),
    })
    running = await listen(app)
  })
  afterAll(() => running.close())

  it("logs Fastify's own listening line through the app's logger", () => {
    expect(lines.some((l) => l.level === 30 && String(l.msg).startsWith('Server listening at http://127.0.0.1:'))).toBe(true)
  })

  it('logs a failed action as an error carrying the request id the client got', async () => {
    const res = await fetch(`${running.url}/actions/boom`, { method: 'POST' })
    expect(res.status).toBe(500)
    const id = res.headers.get('x-request-id')
    const line = lines.find((l) => l.level === 50 && l.reqId === id)
    expect(line).toBeDefined()
    expect(JSON.stringify(line)).toContain('kaboom')
  })
})
