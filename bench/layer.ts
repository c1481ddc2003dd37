// What Serval's layer costs on top of plain Fastify, in-process:
//   node --import tsx bench/layer.ts [workloads] [rounds] [batch]
// Loads plain Fastify + Ajv (the contender), Serval from dist/ and, with
// BENCH_SERVAL_BASE=/other/checkout, that checkout's Serval, all in this one
// process, then alternates batches of `inject()` requests between them,
// timing each batch by this thread's CPU time. Batches are milliseconds
// apart, so other load on a shared machine hits every contender alike: the
// differences in µs per request are what each layer adds (inject's own
// cost is in every number, so read differences, not ratios). Every answer's
// status is checked.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildFastify } from './contenders/fastify.ts'
import { ROOT } from './lib/procs.ts'
import { median } from './lib/stats.ts'
import { JSON_HEADERS, workloadById } from './lib/workloads.ts'

interface Subject {
  id: string
  server: FastifyInstance
  close: () => Promise<unknown>
}

async function serval(id: string, root: string): Promise<Subject> {
  const testing = (await import(pathToFileURL(join(root, 'dist/testing/index.js')).href)) as typeof import('../src/testing/index.ts')
  const t = await testing.createTestServer({ dirs: [join(root, 'bench/actions')] }, { log_level: 'warn' })
  return { id, server: t.server, close: t.close }
}

async function batch(s: Subject, workload: string, n: number): Promise<number> {
  const w = workloadById(workload)
  const req = { method: w.method, url: w.path, ...(w.body === undefined ? {} : { payload: w.body, headers: JSON_HEADERS }) }
  const t0 = process.cpuUsage()
  for (let i = 0; i < n; i++) {
    const res = await s.server.inject(req)
    if (res.statusCode !== w.expectStatus) throw new Error(`${s.id} ${workload}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    // inject() resolves through microtasks only: without a turn of the event loop, the setImmediate
    // callbacks light-my-request schedules pile up (≈10 KB a request) and GC would dominate the batch.
    if (i % 200 === 199) await new Promise(setImmediate)
  }
  const t = process.cpuUsage(t0)
  return (t.user + t.system) / n
}

async function main(): Promise<void> {
  const ids = (process.argv[2] ?? 'post-hello,get-add,post-invalid').split(',')
  const rounds = Number(process.argv[3] ?? 30)
  const n = Number(process.argv[4] ?? 2000)
  const fastify = buildFastify()
  await fastify.ready()
  const subjects: Subject[] = [{ id: 'fastify', server: fastify, close: () => fastify.close() }]
  if (process.env.BENCH_SERVAL_BASE) subjects.push(await serval('serval-base', process.env.BENCH_SERVAL_BASE))
  subjects.push(await serval('serval', ROOT))
  for (const s of subjects) for (const w of ids) await batch(s, w, n) // warm-up: let the JIT settle
  const us = new Map<string, number[]>()
  for (let r = 0; r < rounds; r++) {
    for (const w of ids) {
      for (const s of r % 2 ? [...subjects].reverse() : subjects) {
        const key = `${w} ${s.id}`
        us.set(key, [...(us.get(key) ?? []), await batch(s, w, n)])
      }
    }
  }
  console.log(`CPU µs per inject() request: median (and min) of ${rounds} alternating batches of ${n}; Δ = minus Fastify's median`)
  for (const w of ids) {
    const ref = median(us.get(`${w} fastify`) ?? [])
    for (const s of subjects) {
      const v = us.get(`${w} ${s.id}`) ?? []
      const m = median(v)
      console.log(`${w.padEnd(16)} ${s.id.padEnd(12)} ${m.toFixed(2).padStart(7)} (${Math.min(...v).toFixed(2)})  Δ ${(m - ref).toFixed(2).padStart(6)}`)
    }
  }
  for (const s of subjects) await s.close()
}

await main()
