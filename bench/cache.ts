// `npm run bench:cache`: what the result cache and HTTP caching buy, in one server process.
//  - `GET /actions/add-cached?a=1&b=2` (a result-cache HIT on every request after the first) against
//    `GET /actions/add?a=1&b=2` (the same handler, uncached): requests/s as a ratio (a hit must not be slower);
//  - the same cached call with `If-None-Match` of its ETag: a 304 with no body, requests/s;
//  - the header-cost control: plain node:http (its own process) answering the same body with the headers
//    every action answer carries, and with the four a cached answer adds (X-Cache, Cache-Control, ETag,
//    Age; SPEC §7): their CPU difference is what sending those headers costs in Node itself, so the HIT's
//    own work (lookup and send) can be told apart from the bytes §7 asks for.
// wrk drives the load (it must be installed) and its CPU is shown: a saturated generator caps the ratio.
// The server's CPU per request (/proc utime + stime over each measurement) is the steadier number on a
// shared machine: other processes slow the requests down, much less the CPU each one takes.
// The server runs from the build (npm run build first; `npm run bench:cache` does).
// Writes its section into BENCHMARKS.md between <!-- cache:start --> and <!-- cache:end -->. BENCH_QUICK=1: a smoke run.
import { cpus, loadavg } from 'node:os'
import { writeMarkedSection } from './lib/benchmarks-md.ts'
import { checkedLoad, checkedLoadWithCpu, spawnPortServer } from './lib/port-server.ts'
import { installCleanup, ROOT, stop } from './lib/procs.ts'
import { fmt, median } from './lib/stats.ts'
import type { Workload } from './lib/workloads.ts'

const quick = process.env.BENCH_QUICK === '1'
const rounds = quick ? 1 : 5
const seconds = quick ? 2 : 5
const connections = 50

const three = (body: unknown) => {
  if (JSON.stringify(body) !== '{"result":3}') throw new Error(`unexpected answer ${JSON.stringify(body)}`)
}
const none = () => undefined

type Kind = 'miss' | 'hit' | 'notModified' | 'plain' | 'headers'

async function workloads(port: number): Promise<Record<Kind, Workload>> {
  const hit = await fetch(`http://127.0.0.1:${port}/actions/add-cached?a=1&b=2`)
  const etag = hit.headers.get('etag')
  if (!etag) throw new Error('the cached action sent no ETag')
  const check = await fetch(`http://127.0.0.1:${port}/actions/add-cached?a=1&b=2`, { headers: { 'if-none-match': etag } })
  if (check.status !== 304 || (await fetch(`http://127.0.0.1:${port}/actions/add-cached?a=1&b=2`)).headers.get('x-cache') !== 'HIT') throw new Error('the cache does not answer HIT and 304')
  return {
    miss: { id: 'cache-uncached', label: 'GET /actions/add (uncached)', method: 'GET', path: '/actions/add?a=1&b=2', expectStatus: 200, checkBody: three },
    hit: { id: 'cache-hit', label: 'GET /actions/add-cached (HIT)', method: 'GET', path: '/actions/add-cached?a=1&b=2', expectStatus: 200, checkBody: three },
    plain: { id: 'control-plain', label: 'node:http: the body with an action answer\'s headers', method: 'GET', path: '/plain', expectStatus: 200, checkBody: three },
    headers: { id: 'control-headers', label: 'node:http: the same + the four cache headers', method: 'GET', path: '/cached', expectStatus: 200, checkBody: three },
    notModified: { id: 'cache-304', label: 'GET /actions/add-cached + If-None-Match (304)', method: 'GET', path: '/actions/add-cached?a=1&b=2', headers: { 'if-none-match': etag }, expectStatus: 304, checkBody: none },
  }
}

async function measure(): Promise<string> {
  const { proc, port } = await spawnPortServer('bench/cache-lib/server.ts')
  const control = await spawnPortServer('bench/cache-lib/headers-control.ts')
  const at = (k: Kind) => (k === 'plain' || k === 'headers' ? { pid: control.proc.pid, port: control.port } : { pid: proc.pid, port })
  try {
    const w = await workloads(port)
    for (const [k, x] of Object.entries(w) as Array<[Kind, Workload]>) await checkedLoad(at(k).port, x, connections, 1) // warm-up
    const r: Record<string, number[]> = { miss: [], hit: [], notModified: [], ratio: [], cpu: [], usMiss: [], usHit: [], usNotModified: [], usRatio: [], usHeaders: [], usLookup: [] }
    for (let round = 1; round <= rounds; round++) {
      const order: readonly Kind[] = round % 2 ? ['miss', 'hit', 'notModified', 'plain', 'headers'] : ['headers', 'plain', 'notModified', 'hit', 'miss']
      const got: Partial<Record<Kind, { rps: number; us: number }>> = {}
      for (const k of order) {
        const one = await checkedLoadWithCpu(at(k).pid, at(k).port, w[k], connections, seconds)
        got[k] = { rps: one.rps, us: one.us }
        r.cpu!.push(one.loadCpu)
      }
      const { miss, hit, notModified, plain, headers } = got as Record<Kind, { rps: number; us: number }>
      r.miss!.push(miss.rps)
      r.hit!.push(hit.rps)
      r.notModified!.push(notModified.rps)
      r.ratio!.push(hit.rps / miss.rps)
      r.usMiss!.push(miss.us)
      r.usHit!.push(hit.us)
      r.usNotModified!.push(notModified.us)
      r.usRatio!.push(hit.us / miss.us)
      r.usHeaders!.push(headers.us - plain.us)
      r.usLookup!.push(hit.us - miss.us - (headers.us - plain.us))
      console.error(`  round ${round}: uncached ${fmt(miss.rps)}/s ${miss.us.toFixed(1)} µs, HIT ${fmt(hit.rps)}/s ${hit.us.toFixed(1)} µs (${(hit.rps / miss.rps).toFixed(2)}×), 304 ${fmt(notModified.rps)}/s ${notModified.us.toFixed(1)} µs; control ${plain.us.toFixed(1)} / ${headers.us.toFixed(1)} µs`)
    }
    return report(r)
  } finally {
    await stop(proc)
    await stop(control.proc)
  }
}

const fmtUs = (us: number) => `${us >= 0 ? '+' : '−'}${Math.abs(us).toFixed(2)} µs`

function report(r: Record<string, number[]>): string {
  return [
    '## Caching',
    '',
    `Generated by \`npm run bench:cache\` on ${new Date().toISOString()} (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, Node ${process.version}, wrk, ${connections} connections, ${seconds} s per measurement)${quick ? '; BENCH_QUICK=1: smoke numbers' : ''}.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| \`GET /actions/add?a=1&b=2\`, uncached: requests/s | ${fmt(median(r.miss!))} |`,
    `| the same call through the result cache (HIT): requests/s | ${fmt(median(r.hit!))} |`,
    `| HIT ÷ uncached (target ≥ 1.0×) | ${median(r.ratio!).toFixed(2)}× |`,
    `| \`If-None-Match\` of its ETag (304, no body): requests/s | ${fmt(median(r.notModified!))} |`,
    `| server CPU per request: uncached / HIT / 304 | ${median(r.usMiss!).toFixed(1)} / ${median(r.usHit!).toFixed(1)} / ${median(r.usNotModified!).toFixed(1)} µs |`,
    `| HIT CPU ÷ uncached CPU, per round (target ≤ 1.0×) | ${median(r.usRatio!).toFixed(2)}× |`,
    `| the four cache headers' cost, per answer: plain node:http with them − without (same body, same run) | ${fmtUs(median(r.usHeaders!))} |`,
    `| HIT − uncached, less those headers' cost: the lookup and cached send against running the pipeline (≤ 0: the cache's own work is no slower) | ${fmtUs(median(r.usLookup!))} |`,
    `| wrk's CPU (one thread; near 100% would cap the numbers) | ${Math.round(Math.max(...r.cpu!) * 100)}% at most |`,
    '',
    `- One server process, from the build (embedded cache: the in-memory LRU in front of data_dir), medians of ${rounds} rounds whose order alternates; load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} when it ended. \`add\` is the cheapest handler there is, so the HIT ratio shows what a lookup costs against running the pipeline; a real handler's miss costs more.`,
    '- Server CPU per request is its utime + stime over a measurement (/proc) divided by the requests answered: other processes on the machine change it much less than requests/s.',
  ].join('\n')
}

installCleanup()
console.error(`bench:cache: ${rounds} round(s) of ${seconds} s${quick ? ' (quick)' : ''}`)
const md = await measure()
console.log(md)
if (!quick) writeMarkedSection(ROOT, 'cache', md)
process.exit(0)
