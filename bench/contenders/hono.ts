// Hono on @hono/node-server, validating with zod's safeParse in the handlers
// (@hono/zod-validator is not installed; it would call the same safeParse).
import { Hono, type Context } from 'hono'
import { serve } from '@hono/node-server'
import { add, sayHello, summarize, problemBody, type Outcome, type Issue } from './zod-actions.ts'

// A counter, like Fastify's default request ids (and Serval's, with a process prefix).
let reqCount = 0
const nextId = (): string => `req-${(++reqCount).toString(36)}`

type Env = { Variables: { requestId: string } }
const app = new Hono<Env>()

function problem(c: Context<Env>, status: 400 | 404 | 415 | 422 | 500, title: string, issues?: Issue[]) {
  const body = problemBody(status, title, c.req.path, c.get('requestId'), issues)
  return c.body(body, status, { 'content-type': 'application/problem+json' })
}

function answer(c: Context<Env>, out: Outcome) {
  if (!out.ok) return problem(c, 422, 'Invalid input', out.issues)
  return c.body(out.body, 200, { 'content-type': 'application/json; charset=utf-8' })
}

async function jsonBody(c: Context<Env>): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  const type = c.req.header('content-type')
  if (!type || !type.startsWith('application/json')) return { ok: false, res: problem(c, 415, 'Unsupported Media Type') }
  try {
    return { ok: true, value: await c.req.json() }
  } catch {
    return { ok: false, res: problem(c, 400, 'Bad Request') }
  }
}

app.use(async (c, next) => {
  const id = c.req.header('x-request-id') ?? nextId()
  c.set('requestId', id)
  c.header('x-request-id', id)
  await next()
})

app.get('/actions/add', (c) => answer(c, add(c.req.query())))

for (const path of ['/actions/say-hello', '/actions/say-hello-zod']) {
  app.post(path, async (c) => {
    const body = await jsonBody(c)
    return body.ok ? answer(c, sayHello(body.value)) : body.res
  })
}

app.post('/actions/summarize', async (c) => {
  const body = await jsonBody(c)
  return body.ok ? answer(c, summarize(body.value)) : body.res
})

app.notFound((c) => problem(c, 404, 'Not Found'))
app.onError((_err, c) => problem(c, 500, 'Internal Server Error'))

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' })
