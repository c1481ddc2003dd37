import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recordingFs } from '../../../test/support/journal-fs.ts'
import { OwnerIndex } from './owners.ts'
import type { StoredJob } from './state.ts'
import { JobStore } from './store.ts'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'serval-store-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function job(sub: string | null, action = 'resize'): StoredJob {
  const id = `job-${++n}`
  return { id, action, input: {}, principal: sub === null ? null : { sub, scopes: [], groups: [], claims: {} }, trigger: 'job', createdAt: n, status: 'queued', attempts: 0, maxAttempts: 1, interruptions: 0 }
}
const page = (owner: string | null, extra: { action?: string; status?: StoredJob['status']; offset?: number; limit?: number } = {}) => ({ owner, offset: 0, limit: 20, ...extra })

describe('JobStore listing (per-owner index)', () => {
  it("lists one owner's jobs newest first, in pages, whatever the others submitted", async () => {
    const { store } = JobStore.open(dir)
    const hers = job('alice')
    await store.put(hers)
    const bobs: StoredJob[] = []
    for (let i = 0; i < 300; i++) bobs.push(job('bob', i % 2 ? 'resize' : 'crop'))
    await Promise.all(bobs.map((j) => store.put(j)))
    expect(store.list(page('alice')).items.map((j) => j.id)).toEqual([hers.id])
    const first = store.list(page('bob', { limit: 3 }))
    expect(first).toMatchObject({ more: true })
    expect(first.items.map((j) => j.id)).toEqual(bobs.slice(-3).reverse().map((j) => j.id))
    const last = store.list(page('bob', { offset: 298, limit: 5 }))
    expect(last).toMatchObject({ more: false })
    expect(last.items.map((j) => j.id)).toEqual([bobs[1]!.id, bobs[0]!.id])
    expect(store.list(page('bob', { action: 'crop', limit: 100 })).items.every((j) => j.action === 'crop')).toBe(true)
    expect(store.list(page('bob', { action: 'crop', limit: 200 })).items).toHaveLength(150)
    expect(store.list(page(null)).items).toEqual([])
    await store.close()
  })

  it('filters by status, drops removed jobs, and rebuilds the index on replay', async () => {
    const { store } = JobStore.open(dir)
    const jobs = Array.from({ length: 10 }, () => job('carol'))
    for (const j of jobs) await store.put(j)
    store.change({ op: 'start', id: jobs[2]!.id, at: 1 })
    for (const j of jobs.slice(5)) store.change({ op: 'del', id: j.id })
    expect(store.list(page('carol', { status: 'running' })).items.map((j) => j.id)).toEqual([jobs[2]!.id])
    const live = jobs.slice(0, 5).reverse().map((j) => j.id)
    expect(store.list(page('carol')).items.map((j) => j.id)).toEqual(live)
    await store.close()
    const reopened = JobStore.open(dir).store
    expect(reopened.list(page('carol')).items.map((j) => j.id)).toEqual(live)
    expect(reopened.list(page('carol', { status: 'running' })).items).toHaveLength(1)
    await reopened.close()
  })
})

describe('JobStore changes', () => {
  it('shows each change (not the put of a new job) to the watchers until they stop watching', async () => {
    const { store } = JobStore.open(dir)
    const seen: string[] = []
    const stop = store.watch((j) => seen.push(`${j.id} ${j.status}`))
    const a = job('dan')
    await store.put(a)
    store.change({ op: 'start', id: a.id, at: 1 })
    stop()
    store.change({ op: 'end', id: a.id, at: 2, status: 'succeeded', output: 1 })
    expect(seen).toEqual([`${a.id} running`]) // a put is not a change: the job is new
    expect(store.get(a.id)).toMatchObject({ status: 'succeeded', output: 1 })
    await store.close()
  })

  it('reports a failed journal write to onError; a put that failed leaves no job, in the store or its listing', async () => {
    const fs = recordingFs()
    const { store } = JobStore.open(dir, { fs })
    const errors: unknown[] = []
    store.onError = (error) => errors.push(error)
    const kept = job('erin')
    await store.put(kept)
    fs.failWrite(1)
    const lost = job('erin')
    await expect(store.put(lost)).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(errors).toMatchObject([{ code: 'ENOSPC' }])
    expect(store.get(lost.id)).toBeUndefined()
    expect(store.size).toBe(1)
    expect(store.list(page('erin')).items.map((j) => j.id)).toEqual([kept.id])
    await store.close()
    const reopened = JobStore.open(dir).store
    expect(reopened.list(page('erin')).items.map((j) => j.id)).toEqual([kept.id])
    await reopened.close()
  })
})

describe('JobStore over time', () => {
  it("still lists an owner's live jobs after most of them were removed (the index is rebuilt from the live ones)", async () => {
    const { store } = JobStore.open(dir)
    const jobs = Array.from({ length: 10 }, () => job('fay'))
    for (const j of jobs) await store.put(j)
    for (const j of jobs.slice(0, 8)) store.change({ op: 'del', id: j.id })
    expect(store.list(page('fay')).items.map((j) => j.id)).toEqual([jobs[9]!.id, jobs[8]!.id])
    await store.close()
  })

  it('a compacted journal holds every live job as it is now, and no longer the removed ones', async () => {
    const { store } = JobStore.open(dir, { policy: { minBytes: 2000, ratio: 2 } })
    const early = Array.from({ length: 10 }, () => job('gus'))
    for (const j of early) await store.put(j)
    for (const j of early.slice(0, 2)) await store.commit({ op: 'start', id: j.id, at: 5 })
    await store.commit({ op: 'end', id: early[0]!.id, at: 6, status: 'succeeded', output: 'done' })
    for (const j of early.slice(2)) await store.commit({ op: 'del', id: j.id })
    for (let i = 0; i < 30; i++) await store.put(job('gus'))
    const before = Array.from(store.values(), (j) => ({ ...j }))
    await store.close()
    const text = readFileSync(join(dir, 'journal.ndjson'), 'utf8')
    expect(text).not.toContain('"op":"del"') // rewritten since the removals
    const reopened = JobStore.open(dir).store
    expect(Array.from(reopened.values())).toEqual(before)
    expect(before).toHaveLength(32)
    expect(reopened.get(early[0]!.id)).toMatchObject({ status: 'succeeded', output: 'done' })
    await reopened.close()
  })
})

describe('OwnerIndex', () => {
  it("reads only the owner's own ids, and memory follows the live ids once many are removed", () => {
    const live = new Set<string>()
    const index = new OwnerIndex((id) => live.has(id))
    for (let i = 0; i < 1000; i++) {
      live.add(`b${i}`)
      index.add('bob', 'a', `b${i}`)
    }
    live.add('a1')
    index.add('alice', 'a', 'a1')
    expect([...index.newest('alice')]).toEqual(['a1'])
    for (let i = 0; i < 990; i++) {
      live.delete(`b${i}`)
      index.remove('bob', 'a')
    }
    expect([...index.newest('bob')].length).toBeLessThan(40)
    expect([...index.newest('bob')].filter((id) => live.has(id))).toEqual(Array.from({ length: 10 }, (_, k) => `b${999 - k}`))
    expect([...index.newest('bob', 'a')].filter((id) => live.has(id))).toHaveLength(10)
  })
})
