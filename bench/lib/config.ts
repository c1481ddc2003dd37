// Run settings, from the environment. Defaults keep a full run under ~6 min
// on the 2-core machine; BENCH_QUICK=1 is a ~1 min smoke run.

export interface Config {
  quick: boolean
  rounds: number
  connections: number
  /** Seconds of warm-up per server start, spread over the workloads. */
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

export function loadConfig(): Config {
  const quick = process.env.BENCH_QUICK === '1'
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean)
  return {
    quick,
    rounds: num('BENCH_ROUNDS', quick ? 1 : 4),
    connections: num('BENCH_CONNECTIONS', 50),
    warmup: num('BENCH_WARMUP', quick ? 1 : 2),
    duration: num('BENCH_DURATION', quick ? 2 : 2.5),
    only: only?.length ? only : undefined,
    coldStartRuns: num('BENCH_COLD_RUNS', quick ? 3 : 5),
    skipExtras: process.env.BENCH_SKIP_EXTRAS === '1',
    serverCpu: 0,
    loadCpu: 1,
    maxNoise: num('BENCH_MAX_NOISE', 0.15, 0),
    maxRetries: num('BENCH_MAX_RETRIES', quick ? 2 : 5, 0),
    quietWait: num('BENCH_QUIET_WAIT', 5, 0),
    budget: num('BENCH_BUDGET', quick ? 90 : 345),
  }
}
