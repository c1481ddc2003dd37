import { afterAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { jobStatus, submit } from './support/jobs.ts'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

const hasRedis = await redisAvailable('workers on Redis')
const prefix = uniquePrefix('slots')
const load = { running: 0, most: 0 }
const busy = async () => {
  load.most = Math.max(load.most, ++load.running)
  await sleep(150)
  load.running--
}
// `kept` has a queue of its own (its retention); `plain` shares the `jobs` queue.
const actions = [action({ name: 'plain' }, busy), action({ name: 'kept', job: { retentionS: 60 } }, busy)].map((a) => ({ action: a, exportName: a.def.name! }))
let t: TestServer | undefined

describe.skipIf(!hasRedis)('the workers setting on Redis', () => {
  afterAll(async () => {
    await t?.close()
    await deleteKeys(prefix)
  })

  it('is a total for the process, as embedded: two queues do not double it', async () => {
    t = await createTestServer({ actions }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 2 })
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(t!, i % 2 ? 'plain' : 'kept', {})))
    for (const id of ids) await jobStatus(t, id, 'succeeded', 20_000)
    // Per queue this was 2 + 2. A worker may fetch one job more than its share, but that job waits for a slot.
    expect(load.most).toBe(2)
  }, 30_000)
})
