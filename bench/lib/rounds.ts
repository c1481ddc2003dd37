// Interleaved rounds: for each round, for each contender, one session. A
// session that overlapped other work on the machine is measured again while
// the run's time budget and retry budget allow, keeping the quietest attempt.
import type { Config } from './config.ts'
import type { Contender } from './contenders.ts'
import { WORKLOADS } from './workloads.ts'
import { logSession, measureSession, type Sample, type ServerRun, type Session } from './throughput.ts'

export interface ThroughputData {
  samples: Sample[]
  servers: ServerRun[]
}

const BASE_PORT = 18400

/** Wall-clock plan: how much time is left beyond the work still planned. */
export class TimeBudget {
  private readonly t0 = performance.now()
  private readonly took: number[] = []
  retriesLeft: number

  constructor(
    private readonly cfg: Config,
    private readonly reservedSeconds: number,
  ) {
    this.retriesLeft = cfg.maxRetries
  }

  /** Seconds one session is expected to take: the plan, or what sessions really took on a slower machine. */
  sessionSeconds(): number {
    const planned = WORKLOADS.length * (this.cfg.warmup + this.cfg.duration) + 2.5
    return Math.max(planned, ...this.took)
  }

  /** Records how long a session really took. */
  tookSeconds(seconds: number): void {
    this.took.push(seconds)
  }

  /** Seconds of the budget not needed for `sessionsLeft` more sessions and the reserve. */
  slack(sessionsLeft: number): number {
    const elapsed = (performance.now() - this.t0) / 1000
    return this.cfg.budget - elapsed - sessionsLeft * this.sessionSeconds() - this.reservedSeconds
  }
}

async function quietSession(cfg: Config, c: Contender, round: number, port: number, budget: TimeBudget, sessionsLeft: number): Promise<Session> {
  const quietWait = () => Math.max(0, Math.min(cfg.quietWait, budget.slack(sessionsLeft))) * 1000
  const measure = async () => {
    const t0 = performance.now()
    const s = await measureSession(cfg, c, round, port, quietWait())
    budget.tookSeconds((performance.now() - t0) / 1000)
    return s
  }
  let last = await measure()
  let best = last
  while (last.noise > cfg.maxNoise && budget.retriesLeft > 0 && budget.slack(sessionsLeft) > budget.sessionSeconds()) {
    budget.retriesLeft--
    logSession(c, round, last, `  (noise ${(last.noise * 100).toFixed(0)}% of a core: measuring again)`)
    last = await measure()
    if (last.noise < best.noise) best = last
  }
  return best
}

/** `reservedSeconds`: time to keep for the work after the rounds (cold start, type-check). */
export async function runThroughput(cfg: Config, contenders: Contender[], reservedSeconds: number): Promise<ThroughputData> {
  const data: ThroughputData = { samples: [], servers: [] }
  const budget = new TimeBudget(cfg, reservedSeconds)
  let sessionsLeft = cfg.rounds * contenders.length
  for (let round = 0; round < cfg.rounds; round++) {
    for (const [i, c] of contenders.entries()) {
      sessionsLeft--
      const s = await quietSession(cfg, c, round, BASE_PORT + i, budget, sessionsLeft)
      data.samples.push(...s.samples)
      data.servers.push(s.server)
      logSession(c, round, s, s.noise > cfg.maxNoise ? `  (noisy: ${(s.noise * 100).toFixed(0)}% of a core)` : '')
    }
  }
  return data
}
