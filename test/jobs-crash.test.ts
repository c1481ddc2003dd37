import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { call, jobStatus, jobWhere, submit } from './support/jobs.ts'
import { eventually } from './support/redis.ts'
import { spawnServer as spawn, stop } from './support/serval-process.ts'
import { exited, ROOT } from './support/cli.ts'

const FIXTURES = join(ROOT, 'test/fixtures/jobs')

/** Starts a server and remembers it, so afterAll stops every one, whatever a test did. */
async function spawnServer(args: string[]) {
  const started = await spawn(args)
  spawned.push(started.child)
  return started
}
const dir = mkdtempSync(join(tmpdir(), 'serval-crash-'))
let child: ChildProcess | undefined
const spawned: ChildProcess[] = []

afterAll(async () => {
  for (const c of spawned) await stop(c, 'SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

describe('embedded jobs survive kill -9', () => {
  it('runs every accepted job after a restart on the same data_dir (at least once)', async () => {
    const first = await spawnServer([FIXTURES, '--data-dir', dir, '--workers', '2'])
    child = first.child
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push(await submit(first.url, 'slow-count', { steps: 4, delayMs: 50 }))
    // Mid-queue: some done, some running, the rest still queued.
    await jobStatus(first.url, ids[0]!, 'succeeded', 10_000)
    const before = await Promise.all(ids.map(async (id) => (await call(first.url, 'GET', `/jobs/${id}`)).body.status as string))
    expect(before).toContain('queued')
    child.kill('SIGKILL')
    await new Promise((resolve) => child!.once('exit', resolve))

    // Dev mode: /_sys/info shows the queue (internals) to the test.
    const second = await spawnServer([FIXTURES, '--data-dir', dir, '--workers', '4', '--dev-mode', 'true'])
    child = second.child
    for (const id of ids) {
      const job = await jobStatus(second.url, id, 'succeeded', 20_000)
      expect(job.attempts).toBeGreaterThanOrEqual(1)
      expect((await call(second.url, 'GET', `/jobs/${id}/result`)).body).toMatchObject({ steps: 4 })
    }
    // The restarted process ran what the first had not finished.
    const pids = new Set(await Promise.all(ids.map(async (id) => (await call(second.url, 'GET', `/jobs/${id}/result`)).body.pid as number)))
    expect(pids.size).toBe(2)
    await eventually(async () => ((await call(second.url, 'GET', '/_sys/info')).body.jobs.queued === 0 ? true : undefined), 'the queue to drain')
  })

  it('puts a running job back in the queue on SIGTERM; it runs after restart without using up an attempt', async () => {
    await stop(child)
    const first = await spawnServer([FIXTURES, '--data-dir', dir])
    child = first.child
    const url = first.url
    const id = await submit(url, 'slow-count', { steps: 100, delayMs: 20 })
    await jobWhere(url, id, (j) => j.progress !== undefined, 'to run')
    child!.kill('SIGTERM')
    expect(await exited(child!)).toBe(0)
    const again = await spawnServer([FIXTURES, '--data-dir', dir])
    child = again.child
    const job = await jobStatus(again.url, id, 'succeeded', 20_000)
    expect(job.attempts).toBe(1)
  })
})
