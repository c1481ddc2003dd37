import { afterAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { serverInfo } from '../src/http/system.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

const hasRedis = await redisAvailable('schedules on Redis')
const prefix = uniquePrefix('sched')
const runs: string[] = []
const other = action({ name: 'other' }, () => 'ok')
/** Config A: `moved` shares the `jobs` queue. Config B: its own `concurrency` gives it a queue of its own. */
const movedA = action({ name: 'moved', http: false, schedule: { every: '1s' } }, (_input, ctx) => void runs.push(ctx.requestId))
const movedB = action({ name: 'moved', http: false, schedule: { every: '1s' }, job: { concurrency: 1 } }, (_input, ctx) => void runs.push(ctx.requestId))
const sources = (moved: typeof movedA) => [moved, other].map((a) => ({ action: a, exportName: a.def.name! }))
const settings = { redis_url: REDIS_URL, redis_prefix: prefix, workers: 2 }
let t: TestServer | undefined

describe.skipIf(!hasRedis)('schedules on Redis', () => {
  afterAll(async () => {
    await t?.close()
    await deleteKeys(prefix)
  })

  it('run each tick once after an action moved to a queue of its own: the old queue keeps no scheduler', async () => {
    t = await createTestServer({ actions: sources(movedA) }, { ...settings, workers: 0 })
    await t.close()
    t = await createTestServer({ actions: sources(movedB) }, settings)
    expect((serverInfo(t.app, { internals: true }) as { schedules: unknown[] }).schedules).toEqual([{ action: 'moved', every: '1s', mode: 'redis' }])
    const seen = await eventually(() => (runs.length >= 8 ? [...runs] : undefined), 'eight runs', 20_000)
    // The first runs may be ticks the old scheduler queued before the restart (more of them on a loaded
    // machine, where the first server lives longer): the last four, in time order, must be one scheduler's.
    const times = seen.map((id) => Number(/:(\d+)$/.exec(id)?.[1])).sort((a, b) => a - b).slice(-4)
    // One scheduler: one run per tick, a second apart, or a whole number of seconds when a late worker
    // let BullMQ skip a tick (a loaded machine). Two schedulers: the same tick twice (0 apart), or ticks
    // at other offsets.
    const gaps = times.slice(1).map((time, i) => time - times[i]!)
    for (const gap of gaps) expect(gap > 0 && gap % 1000 === 0, `gaps ${gaps.join(', ')} of runs ${seen.join(', ')}`).toBe(true)
    const redis = new Redis(REDIS_URL)
    try {
      expect(await redis.zrange(`${prefix}:jobs:repeat`, 0, -1)).toEqual([])
      expect(await redis.zrange(`${prefix}:jobs-moved:repeat`, 0, -1)).toEqual(['schedule-moved'])
    } finally {
      redis.disconnect()
    }
  }, 40_000)
})

describe('schedules with Redis down at startup', () => {
  it('an app without schedules still starts and serves; one with a schedule fails to start', { timeout: 20_000 }, async () => {
    const down = { redis_url: 'redis://127.0.0.1:1', redis_prefix: uniquePrefix('sched-down'), workers: 0 }
    const plain = await createTestServer({ actions: [{ action: other, exportName: 'other' }] }, down)
    try {
      expect((serverInfo(plain.app, { internals: true }) as { schedules: unknown[] }).schedules).toEqual([])
      expect((await plain.fetch('/_sys/health')).status).toBe(200)
    } finally {
      await plain.close()
    }
    // With schedules of its own an instance must not start without them: the startup error names Redis.
    await expect(createTestServer({ actions: sources(movedA) }, down)).rejects.toThrow(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)
  })
})
