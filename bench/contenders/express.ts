// Express 5 with express.json() and zod. ETag and X-Powered-By are off so
// every contender sends the same headers and does the same work.
import express, { type NextFunction, type Request, type Response } from 'express'
import { add, sayHello, summarize, problemBody, type Outcome, type Issue } from './zod-actions.ts'

// A counter, like Fastify's default request ids (and Serval's, with a process prefix).
let reqCount = 0
const nextId = (): string => `req-${(++reqCount).toString(36)}`

const app = express()
app.disable('etag')
app.disable('x-powered-by')

function problem(req: Request, res: Response, status: number, title: string, issues?: Issue[]): void {
  const id = res.getHeader('x-request-id') as string
  res.status(status).type('application/problem+json').send(problemBody(status, title, req.path, id, issues))
}

function answer(req: Request, res: Response, out: Outcome): void {
  if (!out.ok) return problem(req, res, 422, 'Invalid input', out.issues)
  res.status(200).type('application/json').send(out.body)
}

function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/json')) return problem(req, res, 415, 'Unsupported Media Type')
  next()
}

app.use((req, res, next) => {
  res.setHeader('x-request-id', req.get('x-request-id') ?? nextId())
  next()
})
app.use(express.json({ limit: '1mb' }))

app.get('/actions/add', (req, res) => answer(req, res, add(req.query)))
app.post(['/actions/say-hello', '/actions/say-hello-zod'], requireJson, (req, res) => answer(req, res, sayHello(req.body)))
app.post('/actions/summarize', requireJson, (req, res) => answer(req, res, summarize(req.body)))

app.use((req: Request, res: Response) => problem(req, res, 404, 'Not Found'))
app.use((err: { status?: number }, req: Request, res: Response, _next: NextFunction) => {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500
  problem(req, res, status, status === 500 ? 'Internal Server Error' : 'Bad Request')
})

app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1')
