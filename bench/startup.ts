// Cold start and idle RSS of `serval serve` only (the part of `npm run bench`'s
// extras that issue 8's start-up targets are about), without the throughput runs:
//   node --import tsx bench/startup.ts [runs] [dir...]
// Prints every run, the medians (wall ms, server CPU ms to ready, idle RSS) and
// the load average before and after: on a shared machine CPU ms moves less than wall ms.
import { loadavg } from 'node:os'
import { coldStartOnce } from './lib/extras.ts'
import { installCleanup } from './lib/procs.ts'
import { median } from './lib/stats.ts'

installCleanup()
const runs = Number(process.argv[2] ?? 7)
const dirs = process.argv.slice(3)
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')
const list = (xs: number[], d = 0) => xs.map((x) => x.toFixed(d)).join(' ')
console.log(`load average before: ${load()}`)
for (const dir of dirs.length ? dirs : ['examples']) {
  const ms: number[] = []
  const cpu: number[] = []
  const rss: number[] = []
  for (let i = 0; i < runs; i++) {
    const r = await coldStartOnce(dir)
    ms.push(r.ms)
    cpu.push(r.cpuMs)
    rss.push(r.rss)
  }
  console.log(`${dir}: cold start ${median(ms).toFixed(0)} ms [${list(ms)}], CPU ${median(cpu).toFixed(0)} ms [${list(cpu)}], idle RSS ${median(rss).toFixed(1)} MB [${list(rss, 1)}]`)
}
console.log(`load average after: ${load()}`)
