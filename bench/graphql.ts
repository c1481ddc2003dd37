// `npm run bench:graphql`: GraphQL on Serval against REST on Serval, same action, same process.
//  - `POST /graphql { add(a: 1, b: 2) { result } }` against `GET /actions/add?a=1&b=2`: requests/s
//    as a ratio (target ≥ 0.6×), rounds alternating the order;
//  - `{ numberRange(to: 50) { value square } }`: a batched field over 50 parents, checked to cost
//    ONE resolver call per query, and its time (sequential latency, and requests/s under load).
// wrk drives the load (it must be installed); 127.0.0.1 only. Serval runs from its build (dist/), pinned
// to CPU 0 with wrk on CPU 1, as `npm run bench` runs it. Beside requests/s, the server's CPU time per
// request (from /proc around each wrk run) is reported for both paths: far less moved by other work on a
// shared machine than requests/s. Prints a markdown section and writes it into BENCHMARKS.md between
// <!-- graphql:start --> and <!-- graphql:end -->. BENCH_QUICK=1: a smoke run.
import { cpus, loadavg } from 'node:os'
import { wrkWorkload } from './lib/generators/wrk.ts'
import { checkedLoadWithCpu, spawnPortServer } from './lib/port-server.ts'
import { serverPid } from './lib/proc-stats.ts'
import { installCleanup, ROOT, stop } from './lib/procs.ts'
import { fmt, median } from './lib/stats.ts'
import type { Workload } from './lib/workloads.ts'
import { writeMarkedSection } from './lib/benchmarks-md.ts'

const quick = process.env.BENCH_QUICK === '1'
const rounds = quick ? 1 : 3
const seconds = quick ? 2 : 5
const connections = 50
const sequential = quick ? 50 : 500
const SERVER_CPU = 0
const LOAD_CPU = 1

const json = (query: string) => JSON.stringify({ query })
const expect = (want: unknown) => (body: unknown) => {
  if (JSON.stringify(body) !== JSON.stringify(want)) throw new Error(`unexpected answer ${JSON.stringify(body)}`)
}
const squares = Array.from({ length: 50 }, (_, i) => ({ value: i + 1, square: (i + 1) ** 2 }))
const workloads = {
  rest: { id: 'rest-add', label: 'GET /actions/add?a=1&b=2', method: 'GET', path: '/actions/add?a=1&b=2', expectStatus: 200, checkBody: expect({ result: 3 }) },
  graphql: { id: 'graphql-add', label: 'POST /graphql { add }', method: 'POST', path: '/graphql', body: json('{ add(a: 1, b: 2) { result } }'), expectStatus: 200, checkBody: expect({ data: { add: { result: 3 } } }) },
  batch: { id: 'graphql-batch', label: 'POST /graphql { numberRange(to: 50) { value square } }', method: 'POST', path: '/graphql', body: json('{ numberRange(to: 50) { value square } }'), expectStatus: 200, checkBody: expect({ data: { numberRange: squares } }) },
} satisfies Record<string, Workload>


async function call(port: number, w: Workload): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${w.path}`, { method: w.method, headers: { 'content-type': 'application/json' }, ...(w.body ? { body: w.body } : {}) })
  if (res.status !== w.expectStatus) throw new Error(`${w.label}: status ${res.status}`)
  return res.json()
}

const batchCalls = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/actions/batch-calls`)).json()) as { calls: number; parents: number }

/** Answers checked, then the batched query's cost: one resolver call for 50 parents, and its sequential latency. */
async function checkAndTime(port: number): Promise<{ callsPerQuery: number; p50: number; p99: number }> {
  for (const w of Object.values(workloads)) w.checkBody(await call(port, w))
  const before = await batchCalls(port)
  const times: number[] = []
  for (let i = 0; i < sequential; i++) {
    const t0 = performance.now()
    await call(port, workloads.batch)
    times.push(performance.now() - t0)
  }
  const after = await batchCalls(port)
  if (after.parents - before.parents !== 50 * sequential) throw new Error(`the batch saw ${after.parents - before.parents} parents for ${sequential} queries`)
  times.sort((a, b) => a - b)
  return { callsPerQuery: (after.calls - before.calls) / sequential, p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! }
}


async function measure(): Promise<string> {
  const { proc, port } = await spawnPortServer('bench/graphql-lib/server.ts', { build: true, cpu: SERVER_CPU })
  const pid = serverPid(proc.pid, port)
  /** One checked wrk run, with the server's CPU µs per request over it. */
  const load = (w: Workload) => checkedLoadWithCpu(pid, port, w, connections, seconds, LOAD_CPU)
  try {
    const cost = await checkAndTime(port)
    console.error(`  batch: ${cost.callsPerQuery} resolver call(s) per query, p50 ${fmt(cost.p50, 2)} ms sequential`)
    for (const w of Object.values(workloads)) await wrkWorkload(port, w, connections, 1, LOAD_CPU) // warm-up
    const r = { rest: [] as number[], graphql: [] as number[], ratio: [] as number[], batch: [] as number[], batchP50: [] as number[], restUs: [] as number[], graphqlUs: [] as number[], batchUs: [] as number[] }
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? (['rest', 'graphql'] as const) : (['graphql', 'rest'] as const)
      const got: Partial<Record<'rest' | 'graphql', { rps: number; us: number }>> = {}
      for (const k of order) got[k] = await load(workloads[k])
      const batch = await load(workloads.batch)
      const rest = got.rest!
      const graphql = got.graphql!
      r.rest.push(rest.rps)
      r.graphql.push(graphql.rps)
      r.ratio.push(graphql.rps / rest.rps)
      r.restUs.push(rest.us)
      r.graphqlUs.push(graphql.us)
      r.batch.push(batch.rps)
      r.batchP50.push(batch.p50)
      r.batchUs.push(batch.us)
      console.error(`  round ${round}: REST ${fmt(rest.rps)}/s ${fmt(rest.us, 1)} µs, GraphQL ${fmt(graphql.rps)}/s ${fmt(graphql.us, 1)} µs (${(graphql.rps / rest.rps).toFixed(2)}×), batch ${fmt(batch.rps)}/s ${fmt(batch.us, 1)} µs`)
    }
    return report(r, cost)
  } finally {
    await stop(proc)
  }
}

function report(r: Record<string, number[]>, cost: { callsPerQuery: number; p50: number; p99: number }): string {
  return [
    '## GraphQL',
    '',
    `Generated by \`npm run bench:graphql\` on ${new Date().toISOString()} (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, Node ${process.version}, wrk, ${connections} connections, ${seconds} s per measurement)${quick ? '; BENCH_QUICK=1: smoke numbers' : ''}.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| \`GET /actions/add?a=1&b=2\` (REST) requests/s | ${fmt(median(r.rest!))} |`,
    `| \`POST /graphql { add(a: 1, b: 2) { result } }\` requests/s | ${fmt(median(r.graphql!))} |`,
    `| GraphQL ÷ REST (target ≥ 0.6×) | ${median(r.ratio!).toFixed(2)}× |`,
    `| server CPU µs per request: REST / GraphQL (REST ÷ GraphQL: requests per CPU-second as a ratio) | ${fmt(median(r.restUs!), 1)} / ${fmt(median(r.graphqlUs!), 1)} (${(median(r.restUs!) / median(r.graphqlUs!)).toFixed(2)}×) |`,
    `| \`{ numberRange(to: 50) { value square } }\`: resolver calls per query (batched field, 50 parents) | ${cost.callsPerQuery} |`,
    `| the same query, one at a time: p50 / p99 ms | ${fmt(cost.p50, 2)} / ${fmt(cost.p99, 2)} |`,
    `| the same query under load: requests/s (p50 ms), server CPU µs per request | ${fmt(median(r.batch!))} (${fmt(median(r.batchP50!), 2)}), ${fmt(median(r.batchUs!), 1)} |`,
    '',
    `- One server process from the build (\`dist/\`), both transports on it: the same \`add\` action (TypeBox) through the same pipeline, default extensions (metrics, tracing). Server pinned to CPU ${SERVER_CPU}, wrk to CPU ${LOAD_CPU}. Medians of ${rounds} round(s), REST and GraphQL alternating which goes first.`,
    `- Server CPU per request is the server process's user + system time from /proc over each wrk run, divided by the requests it answered: it moves far less than requests/s when other work shares the machine (load average ${loadavg()[0]!.toFixed(1)} at the end of this run).`,
    `- The batch: every answer is checked before the load; ${sequential} sequential queries are counted on the server (\`square\` runs once per query with the 50 parents) and timed from the client.`,
  ].join('\n')
}


installCleanup()
console.error(`bench:graphql: ${rounds} round(s) of ${seconds} s${quick ? ' (quick)' : ''}`)
const md = await measure()
console.log(md)
if (!quick) writeMarkedSection(ROOT, 'graphql', md)
process.exit(0)
