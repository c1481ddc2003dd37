// Jobs/s of a no-op action: Serval embedded, Serval on BullMQ, and plain BullMQ,
// each submitting N jobs with K in flight to W workers in this process.
// Each contender is a harness kept open across rounds, so rounds measure a warm process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { ROOT } from '../lib/procs.ts'

// Serval as users run it: the build (dist/, compiled by tsc), not the sources through tsx, whose
// transform wraps every closure in a naming helper that plain BullMQ's compiled code does not pay.
const dist = <T>(path: string) => import(`${ROOT}/dist/${path}`) as Promise<T>
const { action } = await dist<typeof import('../../src/action/define.ts')>('action/define.js')
const { createApp } = await dist<typeof import('../../src/app/app.ts')>('app/app.js')
const { defaultExtensions } = await dist<typeof import('../../src/app/extensions.ts')>('app/extensions.js')
const { loadSettings } = await dist<typeof import('../../src/config/load.ts')>('config/load.js')
const { jobsOf } = await dist<typeof import('../../src/jobs/index.ts')>('jobs/index.js')

export interface JobLoad {
  jobs: number
  inFlight: number
  workers: number
  /** Seconds any one run may take before the bench gives up. */
  capS: number
}

/** A contender, open: `run(n)` submits n jobs and resolves with jobs/s once all completed. */
export interface Harness {
  run(n: number): Promise<number>
  close(): Promise<void>
}

const noop = action({ name: 'noop' }, () => undefined)

/** Seconds finished jobs are kept, by both contenders. */
export const RETENTION_S = 5
const KEEP = { removeOnComplete: { age: RETENTION_S }, removeOnFail: { age: RETENTION_S } }

/** Runs `task` `n` times with at most `limit` at once. */
export async function pool(n: number, limit: number, task: () => Promise<unknown>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < n) {
      next++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane))
}

function capped<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const cap = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${seconds} s`)), seconds * 1000)))
  return Promise.race([promise, cap]).finally(() => clearTimeout(timer))
}

/** Times n submissions (K in flight) until `completions` has counted n. */
async function timed(load: JobLoad, n: number, submit: () => Promise<unknown>, completions: (n: number) => Promise<void>, what: string): Promise<number> {
  const all = completions(n)
  const t0 = performance.now()
  await pool(n, load.inFlight, submit)
  await capped(all, load.capS, what)
  return n / ((performance.now() - t0) / 1000)
}

/** Serval's jobs (embedded when `redis` is undefined), through `jobsOf(app)`. */
export async function servalHarness(load: JobLoad, redis?: { url: string; prefix: string }): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'serval-bench-jobs-'))
  // A short retention keeps the finished jobs of earlier rounds from piling up in memory (and in GC time) across rounds.
  const cli = { log_level: 'silent', data_dir: dir, workers: load.workers, job_retention_s: RETENTION_S, ...(redis ? { redis_url: redis.url, redis_prefix: redis.prefix } : {}) }
  const { settings } = await loadSettings({ cli, filesOff: true, env: {} })
  const app = await createApp({ actions: [{ action: noop, exportName: 'noop' }], settings, logger: pino({ level: 'silent' }), extensions: await defaultExtensions(settings) })
  const jobs = jobsOf(app)
  await jobs.work({ workers: load.workers })
  const backend = await jobs.backend()
  const target = app.registry.get('noop')!
  const completions = (n: number) =>
    new Promise<void>((resolve) => {
      let done = 0
      const stop = backend.watch((job) => {
        if (job.status !== 'succeeded' || ++done < n) return
        stop()
        resolve()
      })
    })
  return {
    run: (n) => timed(load, n, () => jobs.submit(target, {}, { principal: null }), completions, 'serval jobs'),
    close: async () => {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Plain BullMQ on the same Redis: `queue.add` and a Worker whose processor returns at once. */
export async function plainHarness(load: JobLoad, url: string, prefix: string): Promise<Harness> {
  const redis = new Redis(url, { maxRetriesPerRequest: null })
  const queue = new Queue('plain', { connection: redis, prefix })
  const worker = new Worker('plain', async () => ({}), { connection: redis, prefix, concurrency: load.workers })
  await worker.waitUntilReady()
  const completions = (n: number) =>
    new Promise<void>((resolve) => {
      let done = 0
      const onDone = () => {
        if (++done < n) return
        worker.off('completed', onDone)
        resolve()
      }
      worker.on('completed', onDone)
    })
  return {
    // The same retention as Serval's (finished jobs removed after 5 s): without it BullMQ keeps every job forever.
    run: (n) => timed(load, n, () => queue.add('noop', {}, KEEP), completions, 'plain BullMQ'),
    close: async () => {
      await worker.close()
      await queue.close()
      redis.disconnect()
    },
  }
}
