import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from '../../../test/support/redis.ts'
import { OwnerIndexWriter } from './index-writer.ts'
import { ownerKey, ownerMember } from './owners.ts'
import { startSweeper } from './sweep.ts'

// A submit writes its owner-index entry just before its job: the sweeper
// must drop entries whose job is gone, yet never one whose job is still on its way.
const hasRedis = await redisAvailable('the owner-index sweeper on Redis')
const prefix = uniquePrefix('sweep')
let redis: Redis

describe.skipIf(!hasRedis)('owner-index sweeper', () => {
  beforeAll(() => {
    redis = new Redis(REDIS_URL)
  })
  afterAll(async () => {
    await deleteKeys(prefix)
    redis?.disconnect()
  })

  it('trims an old entry whose job is gone, keeps an old one whose job exists and a fresh one whose job is not there yet', async () => {
    const key = ownerKey(prefix, 'alice')
    const old = Date.now() - 120_000
    await redis.hset(`${prefix}:${ownerMember('jobs', 'kept')}`, 'name', 'x')
    await redis.zadd(key, old, ownerMember('jobs', 'gone'), old, ownerMember('jobs', 'kept'), Date.now(), ownerMember('jobs', 'arriving'))
    const timer = startSweeper({ redis, prefix, queues: new Map(), retentionS: () => 60, errors: () => undefined, everyMs: 1000 })
    try {
      const members = await eventually(async () => {
        const now = await redis.zrange(key, 0, -1)
        return now.includes(ownerMember('jobs', 'gone')) ? undefined : now
      }, 'the sweep')
      expect(members).toEqual([ownerMember('jobs', 'kept'), ownerMember('jobs', 'arriving')])
    } finally {
      clearInterval(timer)
    }
  })

  it('stores every entry of a burst of submits by several owners, each add resolving once stored', async () => {
    const index = new OwnerIndexWriter(redis)
    const owners = ['a', 'b', 'c']
    await Promise.all(Array.from({ length: 90 }, (_, i) => index.add(ownerKey(prefix, owners[i % 3]!), i, `jobs:${i}`)))
    const counts = await Promise.all(owners.map((o) => redis.zcard(ownerKey(prefix, o))))
    expect(counts).toEqual([30, 30, 30])
  })

  it('rejects every add of a batch that Redis refuses', async () => {
    const key = `${prefix}:not-a-zset`
    await redis.set(key, 'x')
    const index = new OwnerIndexWriter(redis)
    const results = await Promise.allSettled([index.add(key, 1, 'm1'), index.add(key, 2, 'm2')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })
})
