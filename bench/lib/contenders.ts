// How to start each contender. Every one serves all workloads on one port.
import { ROOT } from './procs.ts'

export interface Contender {
  id: string
  label: string
  cmd: string
  args: (port: number) => string[]
  env: (port: number) => Record<string, string>
  /** Readiness probe: path, and the status that means ready (any if omitted). */
  readyPath: string
  readyStatus?: number
}

function script(id: string, label: string): Contender {
  return {
    id,
    label,
    cmd: process.execPath,
    args: () => ['--import', 'tsx', `${ROOT}/bench/contenders/${id}.ts`],
    env: (port) => ({ PORT: String(port) }),
    readyPath: '/actions/add?a=1&b=2',
  }
}

export const SERVAL: Contender = {
  id: 'serval',
  label: 'Serval (CLI)',
  cmd: process.execPath,
  args: (port) => servalServeArgs('bench/actions', port, ['--log-level', 'warn']),
  env: () => ({}),
  readyPath: '/_sys/ready',
  readyStatus: 200,
}

export function servalServeArgs(dir: string, port: number, extra: string[] = []): string[] {
  return [`${ROOT}/bin/serval.js`, 'serve', dir, '--port', String(port), '--host', '127.0.0.1', ...extra]
}

/**
 * BENCH_SERVAL_BASE=/path/to/another/checkout adds that checkout's Serval
 * (its own bin/serval.js, dist/ and bench/actions) serving the same actions: an A/B
 * of two revisions in one run.
 */
function servalBase(): Contender[] {
  const base = process.env.BENCH_SERVAL_BASE
  if (!base) return []
  return [{ ...SERVAL, id: 'serval-base', label: 'Serval (base revision)', args: (port) => [`${base}/bin/serval.js`, ...servalServeArgs(`${base}/bench/actions`, port, ['--log-level', 'warn']).slice(1)] }]
}

/**
 * BENCH_SERVAL_VARIANT='SERVAL_METRICS=false,SERVAL_TRACING=false' adds this
 * checkout's Serval run with those variables (`serval-variant`): what one
 * feature costs, bisected in one run against the default.
 */
function servalVariant(): Contender[] {
  const spec = process.env.BENCH_SERVAL_VARIANT
  if (!spec) return []
  const env = Object.fromEntries(spec.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
  return [{ ...SERVAL, id: 'serval-variant', label: `Serval (${spec})`, env: () => env }]
}

export const CONTENDERS: readonly Contender[] = [
  script('raw', 'node:http (hand-written)'),
  script('fastify', 'Fastify 5 + Ajv'),
  script('hono', 'Hono + zod'),
  script('express', 'Express 5 + zod'),
  ...servalBase(),
  ...servalVariant(),
  SERVAL,
]

export function selectContenders(only: string[] | undefined): Contender[] {
  if (!only) return [...CONTENDERS]
  const unknown = only.filter((id) => !CONTENDERS.some((c) => c.id === id))
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown contender(s) ${unknown.join(', ')}; known: ${CONTENDERS.map((c) => c.id).join(', ')}`)
  return CONTENDERS.filter((c) => only.includes(c.id))
}
