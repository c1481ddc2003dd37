// The practical ceiling on Node: node:http with every step written by hand —
// query parsing, JSON body reading, validation and serialisation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { summarizeOrder, type SummarizeItem } from '../lib/workloads.ts'

// A counter, like Fastify's default request ids (and Serval's, with a process prefix).
let reqCount = 0
const nextId = (): string => `req-${(++reqCount).toString(36)}`

interface Issue {
  path: string
  message: string
}
type Obj = Record<string, unknown>
type Result = { ok: true; value: string } | { ok: false; issues: Issue[] }

const JSON_TYPE = 'application/json; charset=utf-8'
const BODY_LIMIT = 1024 * 1024

function send(res: ServerResponse, status: number, body: string, id: string, type = JSON_TYPE): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-request-id': id })
  res.end(body)
}

function problem(res: ServerResponse, id: string, status: number, title: string, instance: string, issues: Issue[] = []): void {
  const type = status === 422 ? 'urn:serval:problem:invalid-input' : `urn:serval:problem:http-${status}`
  const detail = issues.length ? issues.map((i) => `${i.path.slice(1)}: ${i.message}`).join('; ') : title
  const body: Obj = { type, title, status, detail, instance, requestId: id }
  if (issues.length) body.errors = issues
  send(res, status, JSON.stringify(body), id, 'application/problem+json')
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// Paths are built only when a check fails: the valid path allocates nothing.
function checkKeys(o: Obj, allowed: readonly string[], at: string, issues: Issue[]): void {
  for (const k of allowed) if (!(k in o)) issues.push({ path: `${at}/${k}`, message: 'is required' })
  for (const k in o) if (!allowed.includes(k)) issues.push({ path: `${at}/${k}`, message: 'is not allowed' })
}

// `undefined` never comes out of JSON: it is a missing key, which checkKeys reports.
function checkString(v: unknown, max: number, at: string, key: string | number, issues: Issue[]): void {
  if (v === undefined) return
  if (typeof v !== 'string') issues.push({ path: `${at}/${key}`, message: 'must be a string' })
  else if (v.length > max) issues.push({ path: `${at}/${key}`, message: `must be at most ${max} characters` })
}

function checkNumber(v: unknown, integer: boolean, at: string, key: string, issues: Issue[]): void {
  if (v === undefined) return
  if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path: `${at}/${key}`, message: 'must be a number' })
  else if (integer && !Number.isInteger(v)) issues.push({ path: `${at}/${key}`, message: 'must be an integer' })
  else if (v < 0) issues.push({ path: `${at}/${key}`, message: 'must be >= 0' })
}

function parseQuery(qs: string): Obj {
  const out: Obj = {}
  if (!qs) return out
  for (const pair of qs.split('&')) {
    const eq = pair.indexOf('=')
    const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
    out[k] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '))
  }
  return out
}

function coerceNumber(v: unknown, at: string, issues: Issue[]): number {
  const n = typeof v === 'string' && v !== '' ? Number(v) : NaN
  if (!Number.isFinite(n)) issues.push({ path: at, message: 'must be a number' })
  return n
}

function add(query: Obj): Result {
  const issues: Issue[] = []
  checkKeys(query, ['a', 'b'], '', issues)
  const a = coerceNumber(query.a, '/a', issues)
  const b = coerceNumber(query.b, '/b', issues)
  if (issues.length) return { ok: false, issues }
  return { ok: true, value: `{"result":${a + b}}` }
}

function sayHello(input: unknown): Result {
  const issues: Issue[] = []
  if (!isObject(input)) return { ok: false, issues: [{ path: '', message: 'must be an object' }] }
  checkKeys(input, ['name'], '', issues)
  if ('name' in input) checkString(input.name, 100, '', 'name', issues)
  if (issues.length) return { ok: false, issues }
  return { ok: true, value: `{"message":${JSON.stringify(`Hello ${input.name as string}!`)}}` }
}

const ITEM_KEYS = ['id', 'name', 'price', 'qty', 'tags'] as const

// No closures per item: tsx (esbuild keepNames) wraps every function it creates in a naming call.
function checkItem(item: unknown, index: number, issues: Issue[]): void {
  if (!isObject(item)) return void issues.push({ path: `/items/${index}`, message: 'must be an object' })
  if (!hasExactly(item, ITEM_KEYS)) checkKeys(item, ITEM_KEYS, `/items/${index}`, issues)
  if (!validNumber(item.id, true) || !validNumber(item.price, false) || !validNumber(item.qty, true)) {
    checkNumber(item.id, true, `/items/${index}`, 'id', issues)
    checkNumber(item.price, false, `/items/${index}`, 'price', issues)
    checkNumber(item.qty, true, `/items/${index}`, 'qty', issues)
  }
  if (typeof item.name !== 'string' || item.name.length > 200) checkString(item.name, 200, `/items/${index}`, 'name', issues)
  const tags = item.tags
  if (tags === undefined) return
  if (!Array.isArray(tags) || tags.length > 20) return void issues.push({ path: `/items/${index}/tags`, message: 'must be an array of at most 20' })
  for (let i = 0; i < tags.length; i++) {
    const t: unknown = tags[i]
    if (typeof t !== 'string' || t.length > 50) checkString(t, 50, `/items/${index}/tags`, i, issues)
  }
}

function hasExactly(o: Obj, keys: readonly string[]): boolean {
  let n = 0
  for (const k in o) {
    if (!keys.includes(k)) return false
    n++
  }
  return n === keys.length
}

function validNumber(v: unknown, integer: boolean): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && (!integer || Number.isInteger(v))
}

// Hand-written serialiser: writes only the output schema's fields.
function serializeSummary(s: ReturnType<typeof summarizeOrder>): string {
  let items = ''
  for (let i = 0; i < s.items.length; i++) {
    const it = s.items[i]!
    items += `${i ? ',' : ''}{"id":${it.id},"name":${JSON.stringify(it.name)},"total":${it.total},"tags":${it.tags}}`
  }
  return `{"count":${s.count},"total":${s.total},"items":[${items}]}`
}

function summarize(input: unknown): Result {
  const issues: Issue[] = []
  if (!isObject(input)) return { ok: false, issues: [{ path: '', message: 'must be an object' }] }
  checkKeys(input, ['items'], '', issues)
  const items = input.items
  if (!Array.isArray(items) || items.length > 1000) issues.push({ path: '/items', message: 'must be an array of at most 1000' })
  else for (let i = 0; i < items.length; i++) checkItem(items[i], i, issues)
  if (issues.length) return { ok: false, issues }
  return { ok: true, value: serializeSummary(summarizeOrder(items as SummarizeItem[])) }
}

const POST_ROUTES: Record<string, (input: unknown) => Result> = {
  '/actions/say-hello': sayHello,
  '/actions/say-hello-zod': sayHello,
  '/actions/summarize': summarize,
}

function reply(res: ServerResponse, id: string, path: string, r: Result): void {
  if (r.ok) send(res, 200, r.value, id)
  else problem(res, id, 422, 'Invalid input', path, r.issues)
}

function readBody(req: IncomingMessage, res: ServerResponse, id: string, path: string, done: (body: unknown) => void): void {
  const type = req.headers['content-type']
  if (!type || !type.startsWith('application/json')) return problem(res, id, 415, 'Unsupported Media Type', path)
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (c: Buffer) => {
    size += c.length
    if (size <= BODY_LIMIT) chunks.push(c)
  })
  req.on('end', () => {
    if (size > BODY_LIMIT) return problem(res, id, 413, 'Payload Too Large', path)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown = {}
    try {
      if (text.length) body = JSON.parse(text)
    } catch {
      return problem(res, id, 400, 'Bad Request', path)
    }
    done(body)
  })
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const id = (req.headers['x-request-id'] as string | undefined) ?? nextId()
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  if (path === '/actions/add') {
    if (req.method !== 'GET') return problem(res, id, 405, 'Method Not Allowed', path)
    let query: Obj
    try {
      query = parseQuery(q < 0 ? '' : url.slice(q + 1))
    } catch {
      return problem(res, id, 400, 'Bad Request', path)
    }
    return reply(res, id, path, add(query))
  }
  const route = POST_ROUTES[path]
  if (!route) return problem(res, id, 404, 'Not Found', path)
  if (req.method !== 'POST') return problem(res, id, 405, 'Method Not Allowed', path)
  readBody(req, res, id, path, (body) => reply(res, id, path, route(body)))
}

const port = Number(process.env.PORT ?? 3000)
createServer(handle).listen(port, '127.0.0.1')

// A graceful exit on SIGINT, so `--cpu-prof` (bench/profile.ts) writes its profile.
process.on('SIGINT', () => process.exit(0))
