import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { createTestServer, type TestServer } from 'serval/testing'
import { exited, ROOT, waitForLine } from './support/cli.ts'
import { call, jobStatus, jobWhere, submit } from './support/jobs.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'
import { spawnServal, stop } from './support/serval-process.ts'
import { serverInfo } from '../src/http/system.ts'

// Two API instances (in this process, running no jobs) and two `serval worker`
// processes, all on one Redis under a prefix of their own.
const DIRS = [join(ROOT, 'test/fixtures/jobs'), join(ROOT, 'test/fixtures/ticks')]
const hasRedis = await redisAvailable('jobs on Redis')
const prefix = uniquePrefix('jobs')
const tmp = mkdtempSync(join(tmpdir(), 'serval-redis-jobs-'))
const tickFile = join(tmp, 'ticks.log')
const settings = { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 }
let api1: TestServer
let api2: TestServer
const workers: ChildProcess[] = []

async function startWorker(): Promise<ChildProcess> {
  const child = spawnServal(['worker', ...DIRS, '--redis-url', REDIS_URL, '--redis-prefix', prefix, '--workers', '4', '--log-level', 'info'], { SERVAL_TEST_TICK_FILE: tickFile })
  await waitForLine(child, /Serval worker running/, 30_000)
  return child
}

describe.skipIf(!hasRedis)('jobs on Redis (BullMQ)', () => {
  beforeAll(async () => {
    workers.push(...(await Promise.all([startWorker(), startWorker()])))
    api1 = await createTestServer({ dirs: DIRS }, settings)
    api2 = await createTestServer({ dirs: DIRS }, settings)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(workers.map((w) => stop(w)))
    await api1?.close()
    await api2?.close()
    await deleteKeys(prefix)
    rmSync(tmp, { recursive: true, force: true })
  })

  it('runs a job submitted on one instance in a worker process; its result reads on the other', async () => {
    const id = await submit(api1, 'echo', { text: 'hi' })
    await jobStatus(api2, id, 'succeeded')
    const result = await call(api2, 'GET', `/jobs/${id}/result`)
    expect(result.status).toBe(200)
    expect(result.body.text).toBe('hi')
    expect(result.body.pid).not.toBe(process.pid)
    const listed = (await call(api2, 'GET', '/jobs?action=echo&status=succeeded')).body.items
    expect(listed.map((j: { id: string }) => j.id)).toContain(id)
  })

  it('validates before queueing (422), and 404s an unknown job on every instance', async () => {
    expect((await call(api1, 'POST', '/jobs/echo', { text: 1 })).status).toBe(422)
    expect((await call(api2, 'GET', '/jobs/does-not-exist')).status).toBe(404)
  })

  it("cancels across processes: DELETE on one instance aborts the handler's signal in the worker", async () => {
    const marker = join(tmp, 'cancelled.txt')
    const id = await submit(api1, 'slow-count', { steps: 200, delayMs: 50, marker })
    // Progress means the handler itself is running (BullMQ marks a job active a moment before).
    await jobWhere(api2, id, (j) => j.status === 'running' && j.progress !== undefined, 'to run and report progress')
    const res = await call(api2, 'DELETE', `/jobs/${id}`)
    expect([200, 202]).toContain(res.status)
    const text = await eventually(() => ((existsSync(marker) && readFileSync(marker, 'utf8')) || undefined), 'the handler to see its signal abort')
    expect(text).toMatch(/^aborted in \d+$/)
    expect(text).not.toBe(`aborted in ${process.pid}`)
    const job = await jobStatus(api1, id, 'cancelled')
    expect(job.error.type).toBe('urn:serval:problem:job-cancelled')
    expect((await call(api1, 'GET', `/jobs/${id}/result`)).status).toBe(409)
    expect((await call(api2, 'GET', '/jobs?status=cancelled')).body.items.map((j: { id: string }) => j.id)).toContain(id)
  })

  it("answers a failed job's result with its problem, on any instance", async () => {
    const id = await submit(api1, 'refuse', {})
    const job = await jobStatus(api2, id, 'failed')
    expect(job.attempts).toBe(1) // a 4xx is final
    const res = await call(api2, 'GET', `/jobs/${id}/result`)
    expect(res).toMatchObject({ status: 409, body: { title: 'Refused on purpose', details: { why: 'test' }, jobId: id } })
  })

  it('cancels a queued job that no worker has taken', async () => {
    // An instance on a prefix of its own, with no worker anywhere: the job stays queued.
    const lonelyPrefix = `${prefix}-lonely`
    const lonely = await createTestServer({ dirs: DIRS }, { ...settings, redis_prefix: lonelyPrefix })
    try {
      const id = await submit(lonely, 'echo', { text: 'never' })
      expect((await call(lonely, 'GET', `/jobs/${id}`)).body.status).toBe('queued')
      const res = await call(lonely, 'DELETE', `/jobs/${id}`)
      expect(res).toMatchObject({ status: 200, body: { status: 'cancelled' } })
      expect((await call(lonely, 'GET', `/jobs/${id}/result`)).body.type).toBe('urn:serval:problem:job-cancelled')
      expect((await call(lonely, 'GET', '/jobs?action=echo&status=cancelled')).body.items.map((j: { id: string }) => j.id)).toEqual([id])
      expect((await call(lonely, 'GET', '/jobs?action=echo&status=queued')).body.items).toEqual([])
    } finally {
      await lonely.close()
      await deleteKeys(lonelyPrefix)
    }
  })

  it('hands a running job back to the queue when its worker stops (SIGTERM), and another worker finishes it', async () => {
    const ownPrefix = `${prefix}-handback`
    const api = await createTestServer({ dirs: DIRS }, { ...settings, redis_prefix: ownPrefix })
    const start = async () => {
      const child = spawnServal(['worker', ...DIRS, '--redis-url', REDIS_URL, '--redis-prefix', ownPrefix, '--log-level', 'info'])
      await waitForLine(child, /Serval worker running/, 30_000)
      return child
    }
    let first: ChildProcess | undefined
    let second: ChildProcess | undefined
    try {
      first = await start()
      const id = await submit(api, 'slow-count', { steps: 40, delayMs: 50 })
      await jobWhere(api, id, (j) => j.progress !== undefined, 'to run')
      first.kill('SIGTERM')
      expect(await exited(first)).toBe(0)
      expect((await call(api, 'GET', `/jobs/${id}`)).body.status).toBe('queued')
      second = await start()
      const job = await jobStatus(api, id, 'succeeded', 15_000)
      expect(job.attempts).toBe(1) // the interrupted run does not count
    } finally {
      await stop(first)
      await stop(second)
      await api.close()
      await deleteKeys(ownPrefix)
    }
  }, 40_000)

  it('retries a failed run (backoff from the action) and reports the attempts', async () => {
    const id = await submit(api1, 'flaky', { key: `k-${Date.now()}` })
    const job = await jobStatus(api2, id, 'succeeded')
    expect(job.attempts).toBeGreaterThanOrEqual(2)
    expect(job.maxAttempts).toBe(3)
  })

  it('runs each tick of a schedule exactly once across all instances', async () => {
    // Every process upserted the 1 s scheduler; two workers compete for its ticks.
    const read = () => (existsSync(tickFile) ? readFileSync(tickFile, 'utf8').trim().split('\n').filter(Boolean) : [])
    await eventually(() => (read().length >= 1 ? true : undefined), 'a first tick', 10_000)
    const start = read().length
    await eventually(() => (read().length >= start + 4 ? true : undefined), 'four more ticks', 10_000)
    const lines = read()
    const ids = lines.map((l) => l.split(' ')[0]!)
    expect(new Set(ids).size).toBe(ids.length)
    const times = ids.map((id) => Number(/:(\d+)$/.exec(id)![1])).sort((a, b) => a - b)
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000)
    const info = serverInfo(api1.app, { internals: true })
    expect(info.schedules).toEqual([{ action: 'tick', every: '1s', mode: 'redis' }])
  })
})
