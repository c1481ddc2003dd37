import { expect, it } from 'vitest'
import { describeBoth } from '../../test/support/transports.ts'

describeBoth('system routes and docs', (send) => {
  it('answers liveness and readiness', async () => {
    expect((await send()('GET', '/_sys/health')).json).toEqual({ status: 'ok' })
    expect((await send()('GET', '/_sys/ready')).json).toEqual({ status: 'ready' })
  })

  it('describes the server in /_sys/info', async () => {
    const info = (await send()('GET', '/_sys/info')).json
    expect(info).toMatchObject({ name: 'serval', node: process.version })
    expect(info.devMode).toBeUndefined() // an internal: dev mode or serval:admin only
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(info.functionsVersion).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{40,}$/)
    expect(typeof info.uptimeS).toBe('number')
    expect(info.actions).toContainEqual(expect.objectContaining({ name: 'search', path: '/actions/search', methods: ['GET'] }))
  })

  it('sends X-Functions-Version on action responses, equal to the info one', async () => {
    const info = (await send()('GET', '/_sys/info')).json
    const res = await send()('POST', '/actions/echo', { body: { name: 'a' } })
    expect(res.headers['x-functions-version']).toBe(info.functionsVersion)
  })

  it('serves an OpenAPI 3.1 document with one operation per action and method', async () => {
    const doc = (await send()('GET', '/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    const echo = doc.paths['/actions/echo'].post
    expect(echo.operationId).toBe('echo')
    expect(echo.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EchoInput' })
    expect(doc.components.schemas.EchoInput.properties.name).toMatchObject({ type: 'string', maxLength: 10 })
    expect(echo.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EchoOutput' })
    for (const status of ['400', '413', '415', '422', '500']) expect(echo.responses[status]).toBeDefined()
    expect(doc.components.responses.Error422.content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem')
  })

  it('documents GET inputs as query parameters and keeps zod schemas valid', async () => {
    const doc = (await send()('GET', '/openapi.json')).json
    const params = doc.paths['/actions/search'].get.parameters
    expect(params).toContainEqual(expect.objectContaining({ name: 'q', in: 'query', required: true }))
    expect(params).toContainEqual(expect.objectContaining({ name: 'filter', style: 'deepObject' }))
    expect(doc.paths['/actions/offline']).toBeUndefined()
    expect(JSON.stringify(doc)).not.toContain('$schema')
    expect(doc.components.schemas.ZodGreetInput).toMatchObject({ type: 'object', properties: { name: { type: 'string', maxLength: 5 } } })
  })

  it('serves the interactive docs UI', async () => {
    const res = await send()('GET', '/docs/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.text).toContain('swagger')
  })
})
