// `node bench/lambda.mjs [--runs N] [--events N]`: the cold start and per-event cost of
// serval/lambda for examples/, on the built package (npm run build first), as Lambda runs it.
// Cold: fresh processes (import + first event). Warm: one process, medians of rounds.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const quiet = { log_level: 'silent' }

function httpEvent(path, query = '') {
  return {
    version: '2.0', routeKey: `GET ${path}`, rawPath: path, rawQueryString: query, headers: { accept: 'application/json' }, isBase64Encoded: false,
    requestContext: { accountId: '1', apiId: 'a', domainName: 'd', domainPrefix: 'd', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0, http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'b' } },
  }
}
function restEvent(path, query) {
  return { httpMethod: 'GET', path, resource: path, headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: query, pathParameters: null, stageVariables: null, isBase64Encoded: false, body: null, requestContext: { stage: 'prod', identity: { sourceIp: '203.0.113.7' } } }
}

/** One cold start in this (fresh) process: import, then the first event of `kind`. */
async function cold(kind) {
  const t0 = performance.now()
  const { createHandler } = await import('serval/lambda')
  const t1 = performance.now()
  const handler = createHandler({ dirs: ['examples'], settings: quiet })
  const event = kind === 'http' ? httpEvent('/actions/say-hello', 'name=Cold') : { action: 'sayHello', input: { name: 'Cold' } }
  const result = await handler(event)
  const t2 = performance.now()
  if (!(result.statusCode === 200 || result.output)) throw new Error(`cold ${kind}: ${JSON.stringify(result)}`)
  const t3 = performance.now()
  await handler(event)
  console.log(JSON.stringify({ importMs: t1 - t0, firstEventMs: t2 - t1, secondEventMs: performance.now() - t3 }))
}

/** µs per call of `fn`: the median of `rounds` rounds of `n` calls after a warm-up. */
async function perCall(fn, n, rounds = 9) {
  for (let i = 0; i < 2000; i++) await fn()
  const samples = []
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    samples.push(Number(process.hrtime.bigint() - t) / 1000 / n)
  }
  return median(samples)
}

async function warm(n) {
  const { createHandler } = await import('serval/lambda')
  const { buildHttpServer, loadApp, loadSettings } = await import('serval')
  const handler = createHandler({ dirs: ['examples'], settings: quiet })
  const { settings } = await loadSettings({ cli: { ...quiet, workers: 0 } })
  const app = await loadApp({ settings, dirs: ['examples'] })
  const server = await buildHttpServer(app)
  await server.ready()
  const action = app.registry.get('say-hello')
  const v2 = httpEvent('/actions/say-hello', 'name=Warm')
  const v1 = restEvent('/actions/say-hello', { name: ['Warm'] })
  const inv = { requestId: 'b', trigger: 'lambda', principal: null }
  const rows = {
    'HTTP API event → handler (inject)': () => handler(v2),
    'REST event → handler (inject)': () => handler(v1),
    'Fastify inject alone (no event translation)': () => server.inject({ method: 'GET', url: '/actions/say-hello?name=Warm' }),
    'core directly: lookup + app.invoke + serialise (no router: the lower bound)': async () => {
      const a = app.registry.get('say-hello')
      const out = await app.invoke(a, a.coerceQuery({ name: 'Warm' }), inv)
      return { statusCode: 200, body: a.output.serialize(out) }
    },
    'direct invocation → handler (app.invoke)': () => handler({ action: 'sayHello', input: { name: 'Warm' } }),
  }
  if (!action) throw new Error('no say-hello')
  for (const [name, fn] of Object.entries(rows)) console.log(JSON.stringify({ name, usPerEvent: await perCall(fn, n) }))
  await server.close()
  await app.close()
}

async function parent() {
  const runs = arg('--runs', 15)
  const events = arg('--events', 5000)
  for (const kind of ['http', 'direct']) {
    const samples = []
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind], { cwd: root, encoding: 'utf8', env: { ...process.env, SERVAL_LOG_LEVEL: 'silent' } })
      if (r.status !== 0) throw new Error(r.stderr)
      samples.push(JSON.parse(r.stdout.trim().split('\n').pop()))
    }
    const m = (k) => median(samples.map((s) => s[k])).toFixed(1)
    console.log(`cold, first event ${kind} (${runs} fresh processes, medians): import ${m('importMs')} ms, init + first event ${m('firstEventMs')} ms, second event ${m('secondEventMs')} ms`)
  }
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', 'warm', String(events)], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  console.log(`warm (${events} events a round, median of 9 rounds):`)
  for (const line of r.stdout.trim().split('\n')) {
    const { name, usPerEvent } = JSON.parse(line)
    console.log(`  ${usPerEvent.toFixed(1).padStart(7)} µs  ${name}`)
  }
}

const child = process.argv.indexOf('--child')
if (child < 0) await parent()
else if (process.argv[child + 1] === 'warm') await warm(Number(process.argv[child + 2]))
else await cold(process.argv[child + 1])
