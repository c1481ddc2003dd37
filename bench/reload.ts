// Dev reload, in place vs the child-process restart it replaces:
// `node --expose-gc --conditions=serval-source --import tsx bench/reload.ts [reloads]`.
// In place: 20 reloads of examples/ (swap time, heap and RSS after GC) while
// a client loops on GET /actions/say-hello, counting failed requests; then 20
// more with no client (`quiet`: wall and CPU ms per reload). Restart:
// what `serval dev` did before (SIGTERM the server, spawn a new one): time until
// the new one answers, and the same client's failures meanwhile.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { loadSettings } from '../src/config/load.ts'
import { startDevServer } from '../src/dev/index.ts'

const reloads = Number(process.argv[2] ?? 20)
const gc = (globalThis as { gc?: () => void }).gc
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10

/** A client in a loop: counts answers and failures until stopped. */
function loop(url: string) {
  const counts = { ok: 0, failed: 0 }
  let on = true
  const run = (async () => {
    while (on) await fetch(url).then((r) => (r.ok ? counts.ok++ : counts.failed++), () => counts.failed++)
  })()
  return { counts, stop: async () => ((on = false), await run) }
}

async function inPlace() {
  const { settings } = await loadSettings({ cli: { port: 0, dev_mode: true, log_level: 'warn', data_dir: '.scratch/bench-reload' } })
  const dev = await startDevServer({ settings, dirs: ['examples'], logger: pino({ level: 'warn' }), watch: false })
  const client = loop(`${dev.running.url}/actions/say-hello?name=x`)
  gc?.()
  const before = process.memoryUsage()
  const times: number[] = []
  for (let i = 0; i < reloads; i++) {
    const [result] = await dev.reloader.reload()
    if (!result?.ok) throw result?.error
    times.push(result.ms)
    await result.retired
  }
  await client.stop()
  gc?.()
  const after = process.memoryUsage()
  const quiet = await quietReloads(dev)
  await dev.close()
  const sorted = [...times].sort((a, b) => a - b)
  return { reloads, medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted.at(-1), heapGrowthMb: mb(after.heapUsed - before.heapUsed), rssGrowthMb: mb(after.rss - before.rss), requests: client.counts, quiet }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * The same reloads with no client in the process: wall time, and CPU time
 * (process.cpuUsage from the change to the swap), which other load on a
 * shared machine disturbs far less than the wall clock.
 */
async function quietReloads(dev: Awaited<ReturnType<typeof startDevServer>>) {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < reloads; i++) {
    const start = process.cpuUsage()
    const [result] = await dev.reloader.reload()
    if (!result?.ok) throw result?.error
    const used = process.cpuUsage(start)
    wall.push(result.ms)
    cpu.push(Math.round((used.user + used.system) / 1000))
    await result.retired
  }
  return { medianMs: median(wall), medianCpuMs: median(cpu) }
}

async function restart() {
  const bin = fileURLToPath(new URL('../bin/serval.js', import.meta.url))
  const port = 18477
  const boot = () => spawn(process.execPath, [bin, 'serve', 'examples', '--port', String(port), '--log-level', 'warn', '--data-dir', '.scratch/bench-restart'], { stdio: 'ignore' })
  const ready = async () => {
    for (;;) if (await fetch(`http://127.0.0.1:${port}/_sys/ready`).then((r) => r.ok, () => false)) return
  }
  let child = boot()
  await ready()
  const client = loop(`http://127.0.0.1:${port}/actions/say-hello?name=x`)
  const started = performance.now()
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  child = boot()
  await ready()
  const ms = Math.round(performance.now() - started)
  await client.stop()
  child.kill('SIGTERM')
  return { ms, requests: client.counts }
}

console.log(JSON.stringify({ inPlace: await inPlace(), restart: await restart() }, null, 2))
