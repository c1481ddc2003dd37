import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { call, jobStatus, submit } from './support/jobs.ts'
import { eventually } from './support/redis.ts'
import { spawnServal, spawnServer as spawn, stop } from './support/serval-process.ts'
import { ROOT, waitForLine } from './support/cli.ts'

const FIXTURES = join(ROOT, 'test/fixtures/jobs')
const spawned: ChildProcess[] = []
const dirs: string[] = []

afterAll(async () => {
  for (const c of spawned) await stop(c, 'SIGKILL')
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'serval-embedded-'))
  dirs.push(dir)
  return dir
}

async function spawnServer(dir: string) {
  const started = await spawn([FIXTURES, '--data-dir', dir])
  spawned.push(started.child)
  return started
}

/** Resolves once the child has exited, however it ended. */
function gone(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Starts a server that may die before or soon after it listens: its URL once it listens, or undefined if it died first. */
async function startMaybeDying(dir: string): Promise<{ child: ChildProcess; url: string | undefined }> {
  const child = spawnServal(['serve', FIXTURES, '--data-dir', dir, '--port', '0', '--log-level', 'info'])
  spawned.push(child)
  const line = await waitForLine(child, /listening on http:\/\/[\d.:]+/, 30_000).catch(() => undefined)
  return { child, url: line && /listening on (http:\/\/[\d.:]+)/.exec(line)![1]! }
}

describe('embedded jobs across processes', () => {
  it('fails a job that kills its process after 3 interrupted runs, instead of running it on every restart', async () => {
    const dir = scratch()
    const log = join(dir, 'runs.log')
    const first = await spawnServer(dir)
    const res = await call(first.url, 'POST', '/jobs/kill-self', { log })
    expect(res.status).toBe(202) // answered before the handler ran
    await gone(first.child)
    let failed: any
    for (let restart = 0; restart < 6 && !failed; restart++) {
      const { child, url } = await startMaybeDying(dir)
      if (url) failed = await Promise.race([gone(child).then(() => undefined), jobStatus(url, res.body.id, 'failed', 20_000).catch(() => undefined)])
      if (!failed) await gone(child)
    }
    expect(failed).toMatchObject({ status: 'failed', error: { type: 'urn:serval:problem:job-failed', interruptions: 3 } })
    expect(failed.error.detail).toMatch(/interrupted 3 times/)
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(3)
  }, 120_000)

  it('answers 202 before the handler runs: a synchronous handler prefix does not hold up its own submission', async () => {
    const dir = scratch()
    const go = join(dir, 'go')
    const { url } = await spawnServer(dir)
    const res = await call(url, 'POST', '/jobs/busy-start', { go })
    expect(res.status).toBe(202)
    writeFileSync(go, '') // the handler spins until this file exists
    await jobStatus(url, res.body.id, 'succeeded', 20_000)
    expect((await call(url, 'GET', `/jobs/${res.body.id}/result`)).body).toEqual({ sawGo: true })
  }, 60_000)

  it('a second process on the same data_dir gets 503 on /jobs and loses none of the first one\'s jobs, even if the lock file names a dead pid', async () => {
    const dir = scratch()
    const first = await spawnServer(dir)
    // How the holder looks from another pid namespace (a second container on the volume): a pid that is not alive here.
    writeFileSync(join(dir, 'jobs', 'lock'), '999999999')
    const second = await spawnServer(dir)
    expect((await call(second.url, 'POST', '/jobs/echo', { text: 'second' })).status).toBe(503)
    expect((await call(second.url, 'GET', '/jobs')).status).toBe(503)
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push(await submit(first.url, 'echo', { text: `job ${i}` }))
    for (const id of ids) await jobStatus(first.url, id, 'succeeded')
    first.child.kill('SIGKILL')
    await gone(first.child)
    // The second takes over the store once the first is gone, with every job the first accepted.
    await eventually(async () => ((await call(second.url, 'GET', `/jobs/${ids[0]}`)).status === 200 ? true : undefined), 'the second process to take over', 20_000)
    for (const [i, id] of ids.entries()) {
      expect((await call(second.url, 'GET', `/jobs/${id}/result`)).body).toMatchObject({ text: `job ${i}` })
    }
  }, 90_000)
})
