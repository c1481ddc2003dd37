// Run settings, from the environment. Defaults keep a full run under ~9 min
// on the 2-core machine; BENCH_QUICK=1 is a ~1.5 min smoke run.
import { spawnSync } from 'node:child_process'
import type { Generator } from '../load.ts'

export interface Config {
  quick: boolean
  /** wrk when installed (BENCH_GENERATOR=autocannon forces the capped fallback). */
  generator: Generator
  rounds: number
  connections: number
  /** Seconds of warm-up per workload per server start. */
  warmup: number
  /** Seconds measured per workload per round. */
  duration: number
  /** Contender ids to run (BENCH_ONLY=raw,fastify), or all. */
  only: string[] | undefined
  coldStartRuns: number
  /** Skip cold start, RSS of generated apps and type-check time. */
  skipExtras: boolean
  serverCpu: number
  loadCpu: number
  /** Cores other processes may use during a measurement before it is redone. */
  maxNoise: number
  /** Redos allowed in the whole run (keeps the run bounded on a busy machine). */
  maxRetries: number
  /** Seconds to wait, at most, for a quiet machine before each server start. */
  quietWait: number
  /** Seconds the whole run may take; redos and quiet waits only use what is left. */
  budget: number
}

function num(name: string, fallback: number, min = Number.MIN_VALUE): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${raw}`)
  return n
}

function generator(): Generator {
  const asked = process.env.BENCH_GENERATOR
  if (asked !== undefined && asked !== '' && asked !== 'wrk' && asked !== 'autocannon') {
    throw new Error(`BENCH_GENERATOR must be wrk or autocannon, got ${asked}`)
  }
  const hasWrk = spawnSync('wrk', ['--version']).error === undefined
  if (asked === 'wrk' && !hasWrk) throw new Error('BENCH_GENERATOR=wrk but wrk is not installed (apt-get install wrk)')
  return asked === 'autocannon' || !hasWrk ? 'autocannon' : 'wrk'
}

export function loadConfig(): Config {
  const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick')
  const gen = generator()
  // wrk takes whole seconds.
  const whole = (n: number) => (gen === 'wrk' ? Math.max(1, Math.round(n)) : n)
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean)
  return {
    quick,
    generator: gen,
    rounds: num('BENCH_ROUNDS', quick ? 1 : 4),
    connections: num('BENCH_CONNECTIONS', 50),
    warmup: whole(num('BENCH_WARMUP', 1)),
    duration: whole(num('BENCH_DURATION', quick ? 2 : 3)),
    only: only?.length ? only : undefined,
    coldStartRuns: num('BENCH_COLD_RUNS', quick ? 3 : 5),
    skipExtras: process.env.BENCH_SKIP_EXTRAS === '1',
    serverCpu: 0,
    loadCpu: 1,
    maxNoise: num('BENCH_MAX_NOISE', 0.15, 0),
    maxRetries: num('BENCH_MAX_RETRIES', quick ? 2 : 5, 0),
    quietWait: num('BENCH_QUIET_WAIT', 5, 0),
    budget: num('BENCH_BUDGET', quick ? 120 : 520),
  }
}
