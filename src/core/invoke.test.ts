import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, createApp, ServalError, type ActionSource, type AnyAction, type Security } from 'serval'
import { InputRefusal } from './refusal.ts'

const sources = (actions: Record<string, AnyAction>): ActionSource[] => Object.entries(actions).map(([exportName, a]) => ({ action: a, exportName }))

async function appWith(actions: Record<string, AnyAction>, options: { validate_output?: boolean; security?: Security; lines?: string[] } = {}) {
  const logger = options.lines ? pino({ level: 'info' }, { write: (line: string) => void options.lines!.push(line) }) : undefined
  return createApp({
    actions: sources(actions),
    settings: { log_level: 'silent', ...(options.validate_output === undefined ? {} : { validate_output: options.validate_output }) },
    ...(logger ? { logger } : {}),
    ...(options.security ? { security: options.security } : {}),
  })
}

const inv = { requestId: 'r1', trigger: 'test' as const, principal: null }
const outcome = (p: Promise<unknown>): Promise<{ value?: unknown; error?: ServalError }> =>
  p.then((value) => ({ value }), (error: unknown) => ({ error: error as ServalError }))
async function collect(items: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const item of items as AsyncIterable<unknown>) out.push(item)
  return out
}

const itemSchema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } as const
const items = action({ output: itemSchema }, async function* () {
  yield { n: 1 }
  yield { n: 'two' } as unknown as { n: number }
})

describe('invoke: output checks', () => {
  it('checks every streamed item: a bad one fails the stream with invalid-output', async () => {
    const app = await appWith({ items })
    const it = (await app.invoke(app.registry.get('items')!, {}, inv)) as AsyncIterator<unknown> & AsyncIterable<unknown>
    expect(await it.next()).toEqual({ value: { n: 1 }, done: false })
    await expect(it.next()).rejects.toMatchObject({ code: 'invalid-output', status: 500 })
  })

  it('with validate_output=false, streamed items and plain outputs pass unchecked', async () => {
    const app = await appWith({ items, plain: action({ output: itemSchema }, () => ({ n: 'x' }) as never) }, { validate_output: false })
    expect(await collect(await app.invoke(app.registry.get('items')!, {}, inv))).toEqual([{ n: 1 }, { n: 'two' }])
    expect(await app.invoke(app.registry.get('plain')!, {}, inv)).toEqual({ n: 'x' })
  })

  it('a plain output that breaks its schema is a 500 invalid-output carrying the issues (sync and async schemas)', async () => {
    const app = await appWith({
      sync: action({ output: itemSchema }, () => ({ n: 1.5 })),
      standard: action({ output: z.object({ n: z.number() }).refine(async () => true) }, () => ({ n: 'x' }) as never),
    })
    for (const name of ['sync', 'standard']) {
      const { error } = await outcome(app.invoke(app.registry.get(name)!, {}, inv))
      expect(error).toMatchObject({ code: 'invalid-output', status: 500, extensions: { outputIssues: [expect.objectContaining({ path: '/n' })] } })
    }
  })

  it('returns the checked output, transformed by a Standard Schema', async () => {
    const app = await appWith({ t: action({ output: z.object({ n: z.string().transform((s) => s.length) }) }, () => ({ n: 'abc' }) as never) })
    expect(await app.invoke(app.registry.get('t')!, {}, inv)).toEqual({ n: 3 })
  })

  it('does not check an undefined output (a 204), even against a schema', async () => {
    const app = await appWith({ none: action({ output: itemSchema }, () => undefined as never) })
    expect(await app.invoke(app.registry.get('none')!, {}, inv)).toBeUndefined()
  })

  it('a ReadableStream result is a body, not a stream of items', async () => {
    const body = new ReadableStream({ start: (c) => c.close() })
    const app = await appWith({ bytes: action({}, () => body) })
    expect(await app.invoke(app.registry.get('bytes')!, {}, inv)).toBe(body)
  })
})

describe('invoke: input and security', () => {
  const echo = action({ input: { type: 'object', properties: { a: { type: 'integer', default: 7 } }, additionalProperties: false } }, (input) => input)

  it('validates undefined input as {} (defaults apply) and refuses bad input with 422', async () => {
    const app = await appWith({ echo })
    expect(await app.invoke(app.registry.get('echo')!, undefined, inv)).toEqual({ a: 7 })
    const { error } = await outcome(app.invoke(app.registry.get('echo')!, { a: 'x' }, inv))
    expect(error).toMatchObject({ code: 'invalid-input', status: 422, errors: [expect.objectContaining({ path: '/a' })] })
  })

  it('execute returns a refused input as an InputRefusal, not thrown; invoke rejects with the same 422 as its error', async () => {
    const app = await appWith({ echo })
    const refused = app.execute(app.registry.get('echo')!, { a: 'x', b: 1 }, inv)
    expect(refused).toBeInstanceOf(InputRefusal)
    const issues = (refused as InputRefusal).issues
    expect(issues.map((i) => i.path)).toEqual(['/b', '/a'])
    const { error } = await outcome(app.invoke(app.registry.get('echo')!, { a: 'x', b: 1 }, inv))
    expect(error).toBeInstanceOf(ServalError)
    expect(error).toMatchObject({ code: 'invalid-input', status: 422, detail: 'b: is not allowed (no such property) (and 1 more)', errors: issues })
    expect((refused as InputRefusal).error()).toMatchObject({ code: 'invalid-input', detail: error!.detail, errors: issues })
  })

  it('after an asynchronous step a refused input is thrown: no promise resolves to a refusal', async () => {
    const security: Security = { open: true, authenticate: async () => null, authorize: () => undefined }
    const app = await appWith({ echo }, { security })
    const out = app.execute(app.registry.get('echo')!, { a: 'x' }, { requestId: 'r', trigger: 'test', credentials: {} })
    expect(out).toBeInstanceOf(Promise)
    const { value, error } = await outcome(out as Promise<unknown>)
    expect(value).toBeUndefined()
    expect(error).toMatchObject({ code: 'invalid-input', status: 422, errors: [expect.objectContaining({ path: '/a' })] })
  })

  it('awaits a schema that validates asynchronously, for good and bad input', async () => {
    const checked = action({ input: z.object({ name: z.string() }).refine(async (v) => v.name !== 'taken', { message: 'is taken' }) }, (input) => input)
    const app = await appWith({ checked })
    expect(await app.invoke(app.registry.get('checked')!, { name: 'free' }, inv)).toEqual({ name: 'free' })
    const { error } = await outcome(app.invoke(app.registry.get('checked')!, { name: 'taken' }, inv))
    expect(error).toMatchObject({ code: 'invalid-input', errors: [{ path: '', message: 'is taken' }] })
  })

  it('authenticates before validating, and authorizes the validated input', async () => {
    const calls: string[] = []
    const security: Security = {
      open: false,
      authenticate: (_a, credentials) => {
        calls.push(`authenticate ${credentials?.authorization}`)
        if (credentials?.authorization !== 'ok') throw new ServalError('unauthorized')
        return { sub: 'ada' } as never
      },
      authorize: async (_a, principal, input) => {
        calls.push(`authorize ${(principal as { sub: string }).sub} ${JSON.stringify(input)}`)
      },
    }
    const app = await appWith({ echo }, { security })
    const action_ = app.registry.get('echo')!
    const { error } = await outcome(app.invoke(action_, { a: 'bad' }, { requestId: 'r', trigger: 'test', credentials: {} }))
    expect(error).toMatchObject({ status: 401 }) // not 422: the schema is not revealed
    expect(await app.invoke(action_, {}, { requestId: 'r', trigger: 'test', credentials: { authorization: 'ok' } })).toEqual({ a: 7 })
    expect(calls).toEqual(['authenticate undefined', 'authenticate ok', 'authorize ada {"a":7}'])
  })

  it('a principal given by the transport skips authentication; an async authenticate is awaited', async () => {
    let authenticated = 0
    const security: Security = {
      open: true,
      authenticate: async () => {
        authenticated++
        return { sub: 'async' } as never
      },
      authorize: () => undefined,
    }
    const who = action({}, (_i, ctx) => ctx.auth?.sub ?? null)
    const app = await appWith({ who }, { security })
    expect(await app.invoke(app.registry.get('who')!, {}, { requestId: 'r', trigger: 'job', principal: { sub: 'given' } as never })).toBe('given')
    expect(authenticated).toBe(0)
    expect(await app.invoke(app.registry.get('who')!, {}, { requestId: 'r', trigger: 'job' })).toBe('async')
    expect(authenticated).toBe(1)
  })
})

describe('the handler context', () => {
  it('carries the action, request id, trigger and resources', async () => {
    const seen = action({}, (_i, ctx) => ({ action: ctx.action, requestId: ctx.requestId, trigger: ctx.trigger, resources: Object.keys(ctx.resources) }))
    const app = await createApp({ actions: sources({ seen }), settings: { log_level: 'silent' }, resources: { db: 1 } as never })
    expect(await app.invoke(app.registry.get('seen')!, {}, { requestId: 'req-9', trigger: 'cli', principal: null })).toEqual({
      action: 'seen',
      requestId: 'req-9',
      trigger: 'cli',
      resources: ['db'],
    })
  })

  it('logs through a child logger that names the request and the action', async () => {
    const lines: string[] = []
    const app = await appWith({ talk: action({}, (_i, ctx) => void ctx.log.info('hello')) }, { lines })
    await app.invoke(app.registry.get('talk')!, {}, { requestId: 'req-7', trigger: 'test', principal: null })
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ msg: 'hello', reqId: 'req-7', action: 'talk' })])
  })

  it('makes a lazy signal once, on first use; without one the signal never aborts', async () => {
    let made = 0
    const controller = new AbortController()
    const look = action({}, (_i, ctx) => [ctx.signal === ctx.signal, ctx.signal.aborted])
    const app = await appWith({ look })
    const lazy = () => {
      made++
      return controller.signal
    }
    controller.abort()
    expect(await app.invoke(app.registry.get('look')!, {}, { ...inv, signal: lazy })).toEqual([true, true])
    expect(made).toBe(1)
    expect(await app.invoke(app.registry.get('look')!, {}, inv)).toEqual([true, false])
  })

  it('reports progress to the transport, and ignores it when there is none', async () => {
    const reports: unknown[] = []
    const work = action({}, (_i, ctx) => {
      ctx.progress(0.5, 'half')
      return 'done'
    })
    const app = await appWith({ work })
    expect(await app.invoke(app.registry.get('work')!, {}, { ...inv, progress: (f, m) => reports.push([f, m]) })).toBe('done')
    expect(reports).toEqual([[0.5, 'half']])
    expect(await app.invoke(app.registry.get('work')!, {}, inv)).toBe('done')
  })
})

describe('execute, the hot-path form of the pipeline', () => {
  const add = action({ input: z.object({ a: z.number(), b: z.number() }) }, ({ a, b }) => a + b)
  const later = action({}, async () => 'later')
  const boom = action({}, () => {
    throw new Error('boom')
  })
  const slowAuth: Security = { open: false, authenticate: async () => ({ sub: 'u', scopes: [], groups: [], claims: {} }) as never, authorize: () => undefined }

  it('answers with the output itself when every step is synchronous, and a promise only when one is not', async () => {
    const app = await appWith({ add, later })
    expect(app.execute(app.registry.get('add')!, { a: 1, b: 2 }, inv)).toBe(3)
    const pending = app.execute(app.registry.get('later')!, {}, inv)
    expect(pending).toBeInstanceOf(Promise)
    expect(await pending).toBe('later')
    const authed = await appWith({ add }, { security: slowAuth })
    const viaAuth = authed.execute(authed.registry.get('add')!, { a: 2, b: 2 }, { requestId: 'r2', trigger: 'test' })
    expect(viaAuth).toBeInstanceOf(Promise)
    expect(await viaAuth).toBe(4)
  })

  it("throws a synchronous step's error (a refused input is returned, see above), where invoke rejects with the same error", async () => {
    const app = await appWith({ add, boom })
    expect(() => app.execute(app.registry.get('boom')!, {}, inv)).toThrow('boom')
    const rejected = app.invoke(app.registry.get('boom')!, {}, inv)
    expect(rejected).toBeInstanceOf(Promise) // never a synchronous throw from invoke
    expect((await outcome(rejected)).error?.message).toBe('boom')
    expect((await outcome(app.invoke(app.registry.get('add')!, { a: 'x' }, inv))).error?.code).toBe('invalid-input')
  })
})
