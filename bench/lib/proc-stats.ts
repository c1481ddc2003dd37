// Reads memory and CPU of a server from /proc. The process that matters is
// the one holding the listening socket, which may be a grandchild of the
// spawned process (a CLI can re-exec node with loader flags).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = read(`/proc/${name}/stat`)
    if (!stat) continue
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid === pid) out.push(Number(name))
  }
  return out
}

export function processTree(root: number): number[] {
  const all = [root]
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!))
  return all
}

function listeningInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(file) ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]!)
    }
  }
  return inodes
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[]
  try {
    fds = readdirSync(`/proc/${pid}/fd`)
  } catch {
    return false
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m && inodes.has(m[1]!)) return true
    } catch {
      // fd closed meanwhile
    }
  }
  return false
}

/** The pid in `root`'s tree listening on `port`, else `root`. */
export function serverPid(root: number, port: number): number {
  const inodes = listeningInodes(port)
  return processTree(root).find((pid) => holdsSocket(pid, inodes)) ?? root
}

/** Resident set size in MB, or NaN when the process is gone. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')
  return m ? Number(m[1]) / 1024 : NaN
}

/** RSS of `root` and all its descendants, in MB, and how many processes that is. */
export function treeRssMb(root: number): { mb: number; processes: number } {
  const rss = processTree(root).map(rssMb).filter((x) => Number.isFinite(x))
  return { mb: rss.reduce((a, b) => a + b, 0), processes: rss.length }
}

const CLK_TCK = 100

/** User + system CPU seconds used so far. */
export function cpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`)
  if (!stat) return NaN
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / CLK_TCK
}

/**
 * CPU seconds the whole machine spent busy so far: user, nice, system and
 * steal (another VM on the host is noise too). irq/softirq are left out:
 * loopback traffic of the benchmark itself lands there.
 */
export function systemBusySeconds(): number {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? ''
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[7] ?? 0)
  return busy / CLK_TCK
}

/**
 * Waits (at most `maxMs`) until the machine is quiet: less than `cores`
 * busy over a 500 ms window. Other work on the machine (a test run) would
 * otherwise be measured as the server's slowness. Returns the busy cores seen last.
 */
export async function waitQuiet(maxMs: number, cores = 0.2): Promise<number> {
  const t0 = performance.now()
  for (;;) {
    const b0 = systemBusySeconds()
    await new Promise((r) => setTimeout(r, 500))
    const busy = (systemBusySeconds() - b0) / 0.5
    if (busy < cores || performance.now() - t0 > maxMs) return busy
  }
}
