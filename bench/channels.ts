// `npm run bench:channels`: WebSocket channels on Serval against plain `ws`.
//  - fan-out of one publish to N local subscribers (1,000 and 10,000): events/s
//    delivered and p99 delivery latency, Serval ÷ plain `ws` broadcasting the same frames;
//  - RSS per idle subscriber connection;
//  - `/ws` call round trips/s against `POST /actions/…` for the same action.
// Each server runs in its own process; the subscribers run here. 127.0.0.1 only.
// Prints a markdown section and writes it into BENCHMARKS.md between
// <!-- channels:start --> and <!-- channels:end -->. BENCH_QUICK=1: a smoke run at small scale.
import { cpus } from 'node:os'
import autocannon from 'autocannon'
import { installCleanup, ROOT, stop, type Spawned } from './lib/procs.ts'
import { spawnPortServer } from './lib/port-server.ts'
import { rssMb, serverPid } from './lib/proc-stats.ts'
import { median } from './lib/stats.ts'
import { postJson, Subscribers, wsCalls } from './channels-lib/clients.ts'
import { writeMarkedSection } from './lib/benchmarks-md.ts'

const quick = process.env.BENCH_QUICK === '1'
const sizes = quick ? [100, 500] : [1000, 10_000]
const events = quick ? 10 : 40
const rounds = quick ? 1 : 3
const idle = quick ? 500 : 5000
const callSeconds = quick ? 2 : 5
const IN_FLIGHT = 64

type Kind = 'serval' | 'ws'
interface Server {
  kind: Kind
  proc: Spawned
  port: number
  pid: number
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

async function spawnServer(kind: Kind): Promise<Server> {
  const { proc, port } = await spawnPortServer('bench/channels-lib/server.ts', { args: [kind] })
  return { kind, proc, port, pid: serverPid(proc.pid, port) }
}

const subscribeUrl = (s: Server) => `ws://127.0.0.1:${s.port}${s.kind === 'serval' ? '/channels/bench' : '/'}`
const publishPath = (s: Server) => (s.kind === 'serval' ? '/actions/publish' : '/publish')

/** One fan-out measurement: `events` publishes, each awaited until all N subscribers got it. */
async function fanOut(s: Server, n: number): Promise<{ rate: number; p99: number }> {
  const subs = await Subscribers.open(subscribeUrl(s), n)
  try {
    let seq = 1_000_000 * Math.floor(Math.random() * 1000)
    for (let i = 0; i < 3; i++) await publishOne(s, subs, ++seq) // warm-up
    subs.recording = true
    const t0 = performance.now()
    for (let i = 0; i < events; i++) await publishOne(s, subs, ++seq)
    const seconds = (performance.now() - t0) / 1000
    const sorted = subs.latencies.sort((a, b) => a - b)
    return { rate: (n * events) / seconds, p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN }
  } finally {
    await subs.close()
  }
}

async function publishOne(s: Server, subs: Subscribers, seq: number): Promise<void> {
  const delivered = subs.expect(seq)
  await postJson(s.port, publishPath(s), { seq })
  await delivered
}

/** RSS growth of the server per idle subscriber. */
async function rssPerConnection(s: Server): Promise<number> {
  const before = rssMb(s.pid)
  const subs = await Subscribers.open(subscribeUrl(s), idle)
  await new Promise((r) => setTimeout(r, 1000))
  const after = rssMb(s.pid)
  await subs.close()
  return ((after - before) * 1024 * 1024) / idle
}

async function httpCalls(s: Server): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${s.port}/actions/add`,
    method: 'POST',
    connections: IN_FLIGHT,
    duration: callSeconds,
    body: '{"a":1,"b":2}',
    headers: { 'content-type': 'application/json' },
    sampleInt: 100,
  })
  if (result.errors || result.non2xx) throw new Error(`POST /actions/add: ${result.errors} errors, ${result.non2xx} non-2xx`)
  return result.requests.total / result.duration
}

async function measure(): Promise<string> {
  const serval = await spawnServer('serval')
  const plain = await spawnServer('ws')
  const fan: Record<string, { serval: number[]; ws: number[]; servalP99: number[]; wsP99: number[]; ratio: number[] }> = {}
  try {
    for (const n of sizes) {
      const f = (fan[n] = { serval: [] as number[], ws: [] as number[], servalP99: [] as number[], wsP99: [] as number[], ratio: [] as number[] })
      for (let round = 1; round <= rounds; round++) {
        // Alternate the order every round, so neither always runs on a warmer machine.
        const order = round % 2 ? [serval, plain] : [plain, serval]
        const r: Partial<Record<Kind, { rate: number; p99: number }>> = {}
        for (const s of order) r[s.kind] = await fanOut(s, n)
        f.serval.push(r.serval!.rate)
        f.ws.push(r.ws!.rate)
        f.servalP99.push(r.serval!.p99)
        f.wsP99.push(r.ws!.p99)
        f.ratio.push(r.serval!.rate / r.ws!.rate)
        console.error(`  ${n} subscribers, round ${round}: serval ${fmt(r.serval!.rate)}/s p99 ${fmt(r.serval!.p99, 1)} ms; ws ${fmt(r.ws!.rate)}/s p99 ${fmt(r.ws!.p99, 1)} ms`)
      }
    }
    const rss = { serval: await rssPerConnection(serval), ws: await rssPerConnection(plain) }
    console.error(`  RSS per idle connection: serval ${fmt(rss.serval)} B, ws ${fmt(rss.ws)} B`)
    const calls = { ws: [] as number[], http: [] as number[] }
    for (let round = 1; round <= rounds; round++) {
      calls.ws.push(await wsCalls(serval.port, callSeconds, IN_FLIGHT))
      calls.http.push(await httpCalls(serval))
      console.error(`  calls, round ${round}: /ws ${fmt(calls.ws.at(-1)!)}/s, POST ${fmt(calls.http.at(-1)!)}/s`)
    }
    return report(fan, rss, calls)
  } finally {
    await Promise.all([stop(serval.proc), stop(plain.proc)])
  }
}

function report(fan: Record<string, Record<string, number[]>>, rss: Record<Kind, number>, calls: { ws: number[]; http: number[] }): string {
  const rows = Object.entries(fan).map(
    ([n, f]) => `| ${fmt(Number(n))} | ${fmt(median(f.serval!))} | ${fmt(median(f.servalP99!), 1)} | ${fmt(median(f.ws!))} | ${fmt(median(f.wsP99!), 1)} | ${median(f.ratio!).toFixed(2)}× |`,
  )
  return [
    '## Channels',
    '',
    `Generated by \`npm run bench:channels\` on ${new Date().toISOString()} (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, Node ${process.version})${quick ? '; BENCH_QUICK=1: smoke numbers at small scale' : ''}.`,
    '',
    '| subscribers | Serval events/s | Serval p99 ms | plain `ws` events/s | plain `ws` p99 ms | Serval ÷ `ws` (target ≥ 0.8×) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '| measure | Serval | plain `ws` |',
    '| --- | --- | --- |',
    `| RSS per idle subscriber connection (${fmt(idle)} sockets) | ${fmt(rss.serval)} B | ${fmt(rss.ws)} B |`,
    `| \`/ws\` calls/s (one socket, ${IN_FLIGHT} in flight) | ${fmt(median(calls.ws))} | — |`,
    `| \`POST /actions/add\` requests/s (${IN_FLIGHT} connections) | ${fmt(median(calls.http))} | — |`,
    `| \`/ws\` ÷ POST | ${(median(calls.ws) / median(calls.http)).toFixed(2)}× | — |`,
    '',
    `- Fan-out: ${events} publishes per measurement, each awaited until every subscriber got it (events/s = deliveries per second; latency from the publish inside the server to the frame read by the client, on the shared wall clock). Both servers send the same frame text, built once per event; Serval validates the event, runs the channel's hub and the per-socket slow-consumer guard. Medians of ${rounds} round(s), the order alternating.`,
    '- The subscribers are `ws` clients in the harness process and the server is one process of its own: on 2 cores the clients take a large share of the CPU, for both contenders alike.',
    `- RSS: the server's resident set before and 1 s after ${fmt(idle)} idle subscribers connected, divided by their number.`,
    '- Calls: the same `add` action, through the same pipeline; `/ws` multiplexes the calls on one socket, autocannon uses one keep-alive connection per request in flight.',
  ].join('\n')
}


installCleanup()
console.error(`bench:channels: ${sizes.join(' and ')} subscribers, ${events} events, ${rounds} round(s)${quick ? ' (quick)' : ''}`)
const md = await measure()
console.log(md)
if (!quick) writeMarkedSection(ROOT, 'channels', md)
process.exit(0)
