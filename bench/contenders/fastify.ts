// Plain Fastify 5 with JSON-schema routes (built by buildFastify, so
// bench/layer.ts can load the same app in-process). Bodies are validated as strictly
// as Serval does (no coercion, no silent removal, every error); only the
// query string, which is text, goes through a coercing Ajv.
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { Ajv, type ErrorObject } from 'ajv'
import { summarizeOrder, type SummarizeItem } from '../lib/workloads.ts'

const strictAjv = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true })
const queryAjv = new Ajv({ coerceTypes: 'array', removeAdditional: false, allErrors: true, useDefaults: true })

/** The Fastify contender, not listening. */
export function buildFastify(): FastifyInstance {
  const app = Fastify({
    logger: false,
    // The client's id, else Fastify's default counter.
    requestIdHeader: 'x-request-id',
  })

  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'querystring' ? queryAjv.compile(schema) : strictAjv.compile(schema),
  )

  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id)
    done()
  })

  function issuePath(e: ErrorObject): string {
    if (e.keyword === 'required') return `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
    if (e.keyword === 'additionalProperties') {
      return `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
    }
    return e.instancePath
  }

  function sendProblem(req: FastifyRequest, reply: FastifyReply, status: number, title: string, errors?: ErrorObject[]) {
    const issues = errors?.map((e) => ({ path: issuePath(e), message: e.message ?? 'is invalid' }))
    const type = status === 422 ? 'urn:serval:problem:invalid-input' : `urn:serval:problem:http-${status}`
    const detail = issues ? issues.map((i) => `${i.path.slice(1)}: ${i.message}`).join('; ') : title
    const instance = req.url.split('?')[0]
    const body = { type, title, status, detail, instance, requestId: req.id, ...(issues ? { errors: issues } : {}) }
    return reply.code(status).type('application/problem+json').send(JSON.stringify(body))
  }

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) return sendProblem(req, reply, 422, 'Invalid input', err.validation as ErrorObject[])
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
    return sendProblem(req, reply, status, status === 500 ? 'Internal Server Error' : err.message)
  })

  const num = { type: 'number' } as const

  app.get(
    '/actions/add',
    {
      schema: {
        querystring: { type: 'object', properties: { a: num, b: num }, required: ['a', 'b'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { result: num }, required: ['result'] } },
      },
    },
    async (req) => {
      const { a, b } = req.query as { a: number; b: number }
      return { result: a + b }
    },
  )

  // The zod workload's route is the same JSON Schema: Fastify's users get Ajv either way.
  for (const url of ['/actions/say-hello', '/actions/say-hello-zod']) {
    app.post(
      url,
      {
        schema: {
          body: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 100 } },
            required: ['name'],
            additionalProperties: false,
          },
          response: { 200: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
        },
      },
      async (req) => ({ message: `Hello ${(req.body as { name: string }).name}!` }),
    )
  }

  const itemIn = {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 0 },
      name: { type: 'string', maxLength: 200 },
      price: { type: 'number', minimum: 0 },
      qty: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 },
    },
    required: ['id', 'name', 'price', 'qty', 'tags'],
    additionalProperties: false,
  }

  const itemOut = {
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'string' }, total: num, tags: { type: 'integer' } },
    required: ['id', 'name', 'total', 'tags'],
  }

  app.post(
    '/actions/summarize',
    {
      schema: {
        body: {
          type: 'object',
          properties: { items: { type: 'array', items: itemIn, maxItems: 1000 } },
          required: ['items'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { count: { type: 'integer' }, total: num, items: { type: 'array', items: itemOut } },
            required: ['count', 'total', 'items'],
          },
        },
      },
    },
    async (req) => summarizeOrder((req.body as { items: SummarizeItem[] }).items),
  )

  return app
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildFastify().listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
  // A graceful exit on SIGINT, so `--cpu-prof` (bench/profile.ts) writes its profile.
  process.on('SIGINT', () => process.exit(0))
}
