import { expect, it } from 'vitest'
import { action, buildHttpServer, createApp } from 'serval'
import { opsOf } from '../ops/index.ts'

it('forgets every request once answered, also through inject() (the Lambda path): nothing accumulates', async () => {
  const app = await createApp({ actions: [{ action: action({}, () => 'x'), exportName: 'a' }], settings: { log_level: 'silent' } })
  const server = await buildHttpServer(app)
  try {
    for (let i = 0; i < 5; i++) expect((await server.inject({ method: 'POST', url: '/actions/a' })).statusCode).toBe(200)
    expect((await server.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404)
    await new Promise((resolve) => setImmediate(resolve))
    expect(opsOf(app).inFlight.size).toBe(0)
  } finally {
    await server.close()
  }
})
