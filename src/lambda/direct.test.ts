import { afterAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { z } from 'zod'
import { action, createApp, file, type App } from 'serval'
import { createHandler } from 'serval/lambda'
import { handlerFor } from './handler.ts'
import { hs256, SECRET } from '../../test/security/support.ts'
import { httpApiEvent, scheduledEvent } from '../../test/support/lambda-events.ts'

const quiet = { log_level: 'silent' } as const
const examples = createHandler({ dirs: ['examples'], settings: quiet })
const secured = createHandler({ dirs: ['examples/auth'], settings: { ...quiet, auth_mode: 'jwt', jwt_secret: SECRET } })

// Actions whose outputs show the serialisation: extra fields dropped, void, streams, bytes.
// A JSON Schema output: validation keeps extra fields (zod would strip them), serialisation must drop them.
const profileOutput = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const
const profile = action({ http: 'GET', output: profileOutput }, () => ({ name: 'Ada', password: 'hunter2' }))
const nothing = action({}, () => undefined)
async function* count() {
  yield 1
  yield 2
}
const counter = action({ output: z.number() }, count)
const bytes = action({}, () => file(new Uint8Array([0, 1, 254, 255]), 'application/pdf'))
const badOutput = action({ output: z.number() }, () => 'not a number' as unknown as number)
const apps: App[] = []
function appWith(actions: Record<string, ReturnType<typeof action>>, settings = {}) {
  return async () => {
    const app = await createApp({ actions: Object.entries(actions).map(([exportName, a]) => ({ action: a, exportName })), logger: pino({ level: 'silent' }), settings })
    apps.push(app)
    return app
  }
}
const own = handlerFor(appWith({ profile, nothing, counter, bytes, badOutput }))
afterAll(() => Promise.all(apps.map((a) => a.close())))

describe('direct invocation { action, input } → { output } through app.invoke', () => {
  it('answers the output, by name or kebab path', async () => {
    expect(await examples({ action: 'add', input: { a: 1, b: 2 } })).toEqual({ output: { result: 3 } })
    expect(await examples({ action: 'say-hello', input: { name: 'Direct' } })).toEqual({ output: 'Hello Direct!' })
  })

  it('serialises the output through its schema: the same JSON as over HTTP', async () => {
    const direct: any = await own({ action: 'profile' })
    expect(direct).toEqual({ output: { name: 'Ada' } })
    const http: any = await own(httpApiEvent({ path: '/actions/profile' }))
    expect(JSON.parse(http.body)).toEqual(direct.output)
  })

  it('answers null for a void output, a list for a stream, base64 for bytes', async () => {
    expect(await own({ action: 'nothing' })).toEqual({ output: null })
    expect(await own({ action: 'counter' })).toEqual({ output: [1, 2] })
    expect(await own({ action: 'bytes' })).toEqual({ output: 'AAH+/w==', isBase64Encoded: true, contentType: 'application/pdf' })
  })

  it('answers { error: problem } for bad input, an unknown action, an ActionError and a crash', async () => {
    expect(await examples({ action: 'add', input: { a: 'x', b: 2 } })).toEqual({ error: expect.objectContaining({ status: 422, type: 'urn:serval:problem:invalid-input', errors: [expect.objectContaining({ path: '/a' })] }) })
    expect(await examples({ action: 'nope' })).toEqual({ error: expect.objectContaining({ status: 404, detail: 'No action named "nope"', instance: 'lambda:nope' }) })
    expect(await examples({ action: 'getUser', input: { id: 'nobody' } })).toEqual({ error: expect.objectContaining({ status: 404, title: 'No user "nobody"', details: { id: 'nobody' } }) })
    const crash: any = await examples({ action: 'crash' }, { awsRequestId: 'req-42' })
    expect(crash.error).toMatchObject({ status: 500, requestId: 'req-42' })
    expect(JSON.stringify(crash)).not.toContain('hunter2')
  })

  it('hides the output schema issues of a server bug outside dev mode', async () => {
    const r: any = await own({ action: 'badOutput' })
    expect(r.error).toMatchObject({ status: 500, type: 'urn:serval:problem:invalid-output' })
    expect(r.error.outputIssues).toBeUndefined()
  })

  it.each([
    [{ action: '' }, /"action" must be an action name/],
    [{ action: 7 }, /"action" must be an action name/],
    [{ action: 'add', inputs: { a: 1 } }, /Unknown field "inputs"/],
    [{ action: 'add', input: { a: 1, b: 1 }, authorization: 42 }, /"authorization" must be a bearer token/],
  ])('a malformed invocation %j is a 400 problem', async (event, detail) => {
    const r: any = await examples(event)
    expect(r.error).toMatchObject({ status: 400, title: 'Invalid direct invocation' })
    expect(r.error.detail).toMatch(detail)
  })
})

describe('direct invocation auth: authorization is a bearer token, checked by the same pipeline', () => {
  it('verifies the token and applies the access rules to its principal', async () => {
    const reader = await hs256({ sub: 'ada', scope: 'notes:read' })
    expect(await secured({ action: 'whoAmI', authorization: reader })).toMatchObject({ output: { sub: 'ada', scopes: ['notes:read'] } })
    expect(await secured({ action: 'whoAmI', authorization: `Bearer ${reader}` })).toMatchObject({ output: { sub: 'ada' } })
    const noScope = await hs256({ sub: 'bob' })
    expect(await secured({ action: 'listNotes', authorization: noScope })).toMatchObject({ error: { status: 403 } })
    expect(await secured({ action: 'deleteNote', input: { id: 'n1' }, authorization: noScope })).toMatchObject({ error: { status: 403 } })
  })

  it('refuses a bad or expired token with 401', async () => {
    expect(await secured({ action: 'serverStatus', authorization: 'not-a-jwt' })).toMatchObject({ error: { status: 401 } })
    const expired = await hs256({ sub: 'ada' }, { expS: -600 })
    expect(await secured({ action: 'whoAmI', authorization: expired })).toMatchObject({ error: { status: 401 } })
  })

  it('runs a call without authorization as a trusted caller (IAM allowed the invoke), as serval run does', async () => {
    expect(await secured({ action: 'listNotes' })).toMatchObject({ output: expect.any(Array) })
    // Over HTTP the same action without a token is a 401: HTTP callers are not trusted.
    const http: any = await secured(httpApiEvent({ path: '/actions/list-notes' }))
    expect(http.statusCode).toBe(401)
    expect(http.headers['www-authenticate']).toMatch(/^Bearer/)
    const token = await hs256({ sub: 'ada', scope: 'notes:read' })
    const withToken: any = await secured(httpApiEvent({ path: '/actions/list-notes', headers: { Authorization: [`Bearer ${token}`] } }))
    expect(withToken.statusCode).toBe(200)
  })
})

describe('a list of direct invocations is a batch', () => {
  it('answers each in order; one failure fails only its own entry', async () => {
    const r = await examples([{ action: 'add', input: { a: 1, b: 2 } }, { action: 'nope' }, [{ action: 'add' }], 'text', { action: 'sayHello', input: { name: 'B' } }], { awsRequestId: 'b1' })
    expect(r).toEqual([
      { output: { result: 3 } },
      { error: expect.objectContaining({ status: 404, requestId: 'b1:1' }) },
      { error: expect.objectContaining({ status: 400, detail: expect.stringContaining('a batch entry is itself a list') }) },
      { error: expect.objectContaining({ status: 400, title: 'Invalid direct invocation' }) },
      { output: 'Hello B!' },
    ])
    expect(await examples([])).toEqual([])
  })
})

describe('EventBridge schedules', () => {
  it('runs the action named by the { action } input serval sls gives each schedule event', async () => {
    expect(await examples({ action: 'heartbeat' })).toEqual({ output: { count: expect.any(Number) } })
  })

  it('runs the scheduled action for a raw Scheduled Event when the function has exactly one', async () => {
    const tick = action({ schedule: { every: '5m', input: { n: 2 } }, input: z.object({ n: z.number() }), output: z.number() }, ({ n }) => n * 21)
    const h = handlerFor(appWith({ tick, profile }))
    expect(await h(scheduledEvent())).toEqual({ output: 42 })
  })

  it('answers a clear error for a raw Scheduled Event when the function has several scheduled actions, or none', async () => {
    const several: any = await examples(scheduledEvent())
    expect(several.error).toMatchObject({ status: 400, title: 'Ambiguous scheduled event' })
    expect(several.error.detail).toMatch(/has 2 \(heartbeat, nightlyReport\)/)
    expect(await own(scheduledEvent())).toMatchObject({ error: { status: 400, detail: expect.stringContaining('has 0 (none)') } })
  })
})

describe('unrecognised events answer a problem, never a crash', () => {
  it.each([['text'], [null], [42], [{}], [{ Records: [{ eventSource: 'aws:sqs' }] }], [{ source: 'aws.events', 'detail-type': 'EC2 Instance State-change Notification' }]])('%j', async (event) => {
    const r: any = await examples(event)
    expect(r.error).toMatchObject({ status: 400, title: 'Unrecognised event', type: 'urn:serval:problem:bad-request' })
  })
})

describe('cold start', () => {
  it('builds the app once per container; concurrent first events share that one build', async () => {
    let builds = 0
    const init = appWith({ profile })
    const h = handlerFor(() => (builds++, init()))
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? h({ action: 'profile' }) : h(httpApiEvent({ path: '/actions/profile' })))))
    expect(answers).toHaveLength(8)
    await h({ action: 'profile' })
    expect(builds).toBe(1)
  })

  it('answers a failed start with a 500 problem, hides why, and builds again on the next event', async () => {
    let builds = 0
    const h = handlerFor(async () => {
      if (++builds === 1) throw new Error('cannot reach /secret/path')
      return appWith({ profile })()
    })
    const errors = console.error
    console.error = () => undefined
    try {
      const failed: any = await h(httpApiEvent({ path: '/actions/profile' }))
      expect(failed.statusCode).toBe(500)
      expect(failed.body).not.toContain('/secret/path')
    } finally {
      console.error = errors
    }
    expect(await h({ action: 'profile' })).toEqual({ output: { name: 'Ada' } })
    expect(builds).toBe(2)
  })

  it('never listens on a socket', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length
    const before = servers()
    const h = handlerFor(appWith({ profile }))
    expect(await h(httpApiEvent({ path: '/actions/profile' }))).toMatchObject({ statusCode: 200 })
    expect(servers()).toBe(before)
  })
})
