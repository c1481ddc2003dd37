import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { action } from 'serval'
import { recordingFs, type RecordingFs } from '../../../test/support/journal-fs.ts'
import { gate } from '../../../test/support/jobs.ts'
import { createApp, type App } from '../../app/app.ts'
import type { JobRecord } from '../types.ts'
import { EmbeddedBackend } from './backend.ts'
import { MAX_INTERRUPTIONS } from './recovery.ts'

let dir: string
let app: App
let fs: RecordingFs
let backend: EmbeddedBackend | undefined
/** What the handler saw of the journal when it started. */
const seen: { unsynced?: boolean; startOnDisk?: boolean } = {}
const held = { started: gate(), release: gate() }
/** Runs of `flaky` so far: its first run fails (a 500, so it is retried), later ones succeed. */
let flakyRuns = 0

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serval-backend-'))
  const probe = action({ name: 'probe' }, (_input, ctx) => {
    seen.unsynced = fs.unsynced()
    seen.startOnDisk = readFileSync(join(dir, 'jobs', 'journal.ndjson'), 'utf8').includes(`{"op":"start","id":"${ctx.requestId}"`)
    return 'probed'
  })
  // Reports progress out of range, not a number, and without a message.
  const reporter = action({ name: 'reporter' }, (_input, ctx) => {
    for (const [fraction, message] of [[0.25, 'a quarter'], [1.5, 'past the end'], [-2, undefined], [Number.NaN, 'not a number'], [0.5, undefined]] as const) ctx.progress(fraction, message)
    return 'reported'
  })
  const holder = action({ name: 'holder' }, async () => {
    held.started.open()
    await held.release.promise
    return 'held'
  })
  flakyRuns = 0
  const flaky = action({ name: 'flaky', job: { retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 5000 } } } }, () => {
    if (++flakyRuns === 1) throw new Error('the first run fails')
    return 'second time'
  })
  app = await createApp({ actions: [{ action: probe, exportName: 'probe' }, { action: reporter, exportName: 'reporter' }, { action: holder, exportName: 'holder' }, { action: flaky, exportName: 'flaky' }], settings: { data_dir: dir, log_level: 'silent' } as never, cwd: dir })
  fs = recordingFs()
})
afterEach(async () => {
  await backend?.close()
  backend = undefined
  rmSync(dir, { recursive: true, force: true })
})

const job = (id: string) => ({ id, action: 'probe', input: {}, principal: null, trigger: 'job' as const, createdAt: Date.now() })

function finished(b: EmbeddedBackend, id: string): Promise<JobRecord> {
  return reached(b, id, (j) => j.status === 'succeeded')
}

/** Resolves with the first change to job `id` that `test` accepts. */
function reached(b: EmbeddedBackend, id: string, test: (job: JobRecord) => boolean): Promise<JobRecord> {
  return new Promise((resolve) => {
    const stop = b.watch((j) => j.id === id && test(j) && (stop(), resolve(j)))
  })
}

/** Lets a turn of the event loop pass: a job that was going to start has started (its `start` record is applied when it starts). */
const turn = () => new Promise((resolve) => setImmediate(resolve))

/** A journal holding queued jobs, as a process leaves it (to open a backend on). */
function journalOf(...jobs: { id: string; action: string }[]): void {
  mkdirSync(join(dir, 'jobs'), { recursive: true })
  const lines = jobs.map((j) => JSON.stringify({ op: 'put', job: { ...job(j.id), action: j.action, status: 'queued', attempts: 0, maxAttempts: 1, interruptions: 0 } }))
  writeFileSync(join(dir, 'jobs', 'journal.ndjson'), `${lines.join('\n')}\n`)
}

describe('EmbeddedBackend durability (through the fs seam)', () => {
  it('resolves enqueue only once the job is written and fdatasync-ed', async () => {
    backend = EmbeddedBackend.open(app, { fs })
    await backend.enqueue(job('a'))
    expect(fs.unsynced()).toBe(false)
    expect(readFileSync(join(dir, 'jobs', 'journal.ndjson'), 'utf8')).toContain('"id":"a"')
  })

  it("writes and syncs a job's start record before its handler runs", async () => {
    backend = EmbeddedBackend.open(app, { fs })
    await backend.work({ workers: 1 })
    const done = finished(backend, 'b')
    await backend.enqueue(job('b'))
    await done
    expect(seen).toEqual({ unsynced: false, startOnDisk: true })
  })

  it('answers 503 unavailable when the disk is full, and the job is neither kept nor back after a restart', async () => {
    backend = EmbeddedBackend.open(app, { fs })
    fs.failWrite(1)
    await expect(backend.enqueue(job('c'))).rejects.toMatchObject({ code: 'unavailable' })
    expect(await backend.get('c')).toBeUndefined()
    await backend.enqueue(job('d'))
    await backend.close()
    backend = EmbeddedBackend.open(app)
    expect(await backend.get('c')).toBeUndefined()
    expect(await backend.get('d')).toMatchObject({ status: 'queued' })
  })
})

describe('EmbeddedBackend progress', () => {
  it('shows progress clamped to 0..1, ignores a fraction that is not a number, and keeps a message only when given', async () => {
    backend = EmbeddedBackend.open(app)
    const progress: unknown[] = []
    backend.watch((j) => j.id === 'p' && j.status === 'running' && j.progress && progress.push(j.progress))
    const done = finished(backend, 'p')
    await backend.work({ workers: 1 })
    await backend.enqueue({ ...job('p'), action: 'reporter' })
    expect(await done).toMatchObject({ output: 'reported' })
    expect(progress).toEqual([{ fraction: 0.25, message: 'a quarter' }, { fraction: 1, message: 'past the end' }, { fraction: 0 }, { fraction: 0.5 }])
  })
})

describe('EmbeddedBackend workers', () => {
  it('runs no more than `workers` jobs at once, and counts the rest as queued', async () => {
    Object.assign(held, { started: gate(), release: gate() })
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    const done = finished(backend, 'h2')
    await backend.enqueue({ ...job('h1'), action: 'holder' })
    await backend.enqueue({ ...job('h2'), action: 'holder' })
    await held.started.promise
    expect(backend.info()).toMatchObject({ mode: 'embedded', workers: 1, running: 1, queued: 1, kept: 2 })
    held.release.open()
    expect(await done).toMatchObject({ status: 'succeeded', output: 'held' })
  })
})

describe('EmbeddedBackend listing', () => {
  it("lists one owner's jobs without reading anyone else's (a per-owner index, not a scan of the store)", async () => {
    backend = EmbeddedBackend.open(app)
    let reads = 0
    const counted = (sub: string) => ({ get sub() { reads++; return sub }, scopes: [], groups: [], claims: {} })
    await backend.enqueue({ ...job('alice-1'), principal: counted('alice') })
    await Promise.all(Array.from({ length: 500 }, (_, i) => backend!.enqueue({ ...job(`bob-${i}`), principal: counted('bob') })))
    reads = 0
    const page = await backend.list({ owner: 'alice', limit: 20, offset: 0 })
    expect(page.items.map((j) => j.id)).toEqual(['alice-1'])
    expect(reads).toBeLessThanOrEqual(1)
  })
})

describe('EmbeddedBackend recovery after a crash', () => {
  /** A journal as a process leaves it when it dies while the job runs: the job, then its start record. */
  function crashedWhileRunning(id: string, interruptions: number): void {
    mkdirSync(join(dir, 'jobs'), { recursive: true })
    const put = { op: 'put', job: { ...job(id), status: 'queued', attempts: 0, maxAttempts: 1, interruptions } }
    const start = { op: 'start', id, at: Date.now() }
    writeFileSync(join(dir, 'jobs', 'journal.ndjson'), `${JSON.stringify(put)}\n${JSON.stringify(start)}\n`)
  }

  it('puts a job that was running back in the queue without using up an attempt, and runs it', async () => {
    crashedWhileRunning('again', 1)
    backend = EmbeddedBackend.open(app)
    expect(await backend.get('again')).toMatchObject({ status: 'queued', attempts: 0, maxAttempts: 1 })
    const done = finished(backend, 'again')
    await backend.work({ workers: 1 })
    expect(await done).toMatchObject({ status: 'succeeded', attempts: 1, output: 'probed' })
  })

  it(`fails a job whose run was interrupted ${MAX_INTERRUPTIONS} times instead of running it again (no crash loop)`, async () => {
    crashedWhileRunning('killer', MAX_INTERRUPTIONS - 1)
    backend = EmbeddedBackend.open(app)
    const failed = await backend.get('killer')
    expect(failed).toMatchObject({ status: 'failed', finishedAt: expect.any(Number) })
    expect(failed!.error).toMatchObject({
      status: 500,
      instance: '/jobs/killer',
      detail: `The job was interrupted ${MAX_INTERRUPTIONS} times (the process stopped while it ran), so it is not run again`,
      interruptions: MAX_INTERRUPTIONS,
    })
    seen.unsynced = undefined
    await backend.work({ workers: 1 })
    await backend.close() // drains: a job that started would have run by now
    backend = undefined
    expect(seen.unsynced).toBeUndefined() // the handler never ran
  })
})

describe('EmbeddedBackend depth', () => {
  it("counts each action's queued jobs, 0 for an action with none, and a job whose action the app no longer has", async () => {
    journalOf({ id: 'old', action: 'renamed-away' })
    backend = EmbeddedBackend.open(app)
    await backend.enqueue(job('p1'))
    await backend.enqueue(job('p2'))
    await backend.enqueue({ ...job('r1'), action: 'reporter' })
    expect(await backend.depth()).toEqual(new Map([['probe', 2], ['reporter', 1], ['holder', 0], ['flaky', 0], ['renamed-away', 1]]))
    expect(backend.info()).toMatchObject({ queued: 4, running: 0, kept: 4 })
  })

  it('leaves running jobs out of the depth', async () => {
    Object.assign(held, { started: gate(), release: gate() })
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    await backend.enqueue({ ...job('h1'), action: 'holder' })
    await held.started.promise
    await backend.enqueue({ ...job('h2'), action: 'holder' })
    expect((await backend.depth()).get('holder')).toBe(1)
    const done = finished(backend, 'h2')
    held.release.open()
    await done
    expect((await backend.depth()).get('holder')).toBe(0)
  })
})

describe('EmbeddedBackend shutdown', () => {
  it('puts a running job back in the queue when the app shuts down, without using up an attempt, and starts no other', async () => {
    Object.assign(held, { started: gate(), release: gate() })
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    await backend.enqueue({ ...job('h1'), action: 'holder' })
    await held.started.promise
    await backend.enqueue(job('next'))
    const requeued = reached(backend, 'h1', (j) => j.status === 'queued')
    await app.close()
    expect(await requeued).toMatchObject({ attempts: 0 })
    held.release.open()
    await turn()
    expect(await backend.get('next')).toMatchObject({ status: 'queued', attempts: 0 })
  })
})

describe('EmbeddedBackend timers (a fake clock: setTimeout, setInterval and Date)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }))
  afterEach(() => void vi.useRealTimers())

  it('runs a failed job again once its backoff has passed, not before', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    const retrying = reached(backend, 'f', (j) => j.status === 'queued' && j.attempts === 1)
    await backend.enqueue({ ...job('f'), action: 'flaky' })
    expect(await retrying).toMatchObject({ error: { status: 500 } })
    vi.advanceTimersByTime(4999)
    await turn()
    expect(await backend.get('f')).toMatchObject({ status: 'queued', attempts: 1 })
    const done = finished(backend, 'f')
    vi.advanceTimersByTime(1)
    expect(await done).toMatchObject({ attempts: 2, output: 'second time' })
  })

  it('cancelling a job that waits for its retry ends it, and its timer goes with it', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    const retrying = reached(backend, 'f', (j) => j.status === 'queued' && j.attempts === 1)
    await backend.enqueue({ ...job('f'), action: 'flaky' })
    await retrying
    const timers = vi.getTimerCount()
    expect(await backend.cancel('f')).toMatchObject({ status: 'cancelled' })
    expect(vi.getTimerCount()).toBe(timers - 1)
    vi.advanceTimersByTime(5000)
    await turn()
    expect(await backend.get('f')).toMatchObject({ status: 'cancelled', attempts: 1 })
    expect(flakyRuns).toBe(1)
  })

  it('working a second time starts no second sweeper', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    await backend.work({ workers: 1 })
    expect(vi.getTimerCount()).toBe(1)
    await backend.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close leaves no timer behind (a pending retry would keep the process alive for its backoff)', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    const retrying = reached(backend, 'f', (j) => j.status === 'queued' && j.attempts === 1)
    await backend.enqueue({ ...job('f'), action: 'flaky' })
    await retrying
    expect(vi.getTimerCount()).toBe(2) // the retry and the sweeper
    await backend.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it("puts a job whose start record could not be written back in the queue (no attempt used) and tries it again a second later", async () => {
    backend = EmbeddedBackend.open(app, { fs })
    await backend.enqueue(job('s'))
    fs.failWrite(1) // the next write is the start record's
    const requeued = reached(backend, 's', (j) => j.status === 'queued')
    const failedStart = reached(backend, 's', (j) => j.status === 'running').then(() => requeued)
    await backend.work({ workers: 1 })
    expect(await failedStart).toMatchObject({ attempts: 0 })
    vi.advanceTimersByTime(999)
    await turn()
    expect(await backend.get('s')).toMatchObject({ status: 'queued', attempts: 0 })
    const done = finished(backend, 's')
    vi.advanceTimersByTime(1)
    expect(await done).toMatchObject({ attempts: 1, output: 'probed' })
  })

  it('a backend closed while a start record fails does not schedule it again (no timer left)', async () => {
    backend = EmbeddedBackend.open(app, { fs })
    await backend.enqueue(job('s'))
    fs.failWrite(1)
    await backend.work({ workers: 1 })
    await backend.close()
    expect(vi.getTimerCount()).toBe(0)
    backend = EmbeddedBackend.open(app)
    expect(await backend.get('s')).toMatchObject({ status: 'queued', attempts: 0 })
  })

  it('keeps a finished job for its retention (the app\'s, or its action\'s) and removes it at the next sweep, every half of the shortest retention', async () => {
    const brief = action({ name: 'brief', job: { retentionS: 4 } }, () => 'brief')
    const probe = action({ name: 'probe' }, () => 'probed')
    const kept = await createApp({ actions: [{ action: probe, exportName: 'probe' }, { action: brief, exportName: 'brief' }], settings: { data_dir: dir, log_level: 'silent', job_retention_s: 10 } as never, cwd: dir })
    backend = EmbeddedBackend.open(kept)
    await backend.work({ workers: 2 }) // the sweep runs every 2 s from now
    const done = [finished(backend, 'p'), finished(backend, 'b')]
    await backend.enqueue(job('p'))
    await backend.enqueue({ ...job('b'), action: 'brief' })
    await Promise.all(done)
    vi.advanceTimersByTime(3999)
    expect(await backend.get('b')).toMatchObject({ status: 'succeeded' })
    vi.advanceTimersByTime(1)
    expect(await backend.get('b')).toBeUndefined()
    vi.advanceTimersByTime(5999)
    expect(await backend.get('p')).toMatchObject({ status: 'succeeded' })
    vi.advanceTimersByTime(1)
    expect(await backend.get('p')).toBeUndefined()
  })
})

describe('EmbeddedBackend work', () => {
  it('reports no workers and nothing running before it works, and keeps the first options when asked to work again', async () => {
    backend = EmbeddedBackend.open(app)
    expect(backend.info()).toMatchObject({ mode: 'embedded', workers: 0, running: 0, queued: 0, kept: 0, dataDir: join(dir, 'jobs') })
    await backend.work({ workers: 1 })
    await backend.work({ workers: 5 })
    expect(backend.info().workers).toBe(1)
  })

  it('runs only the jobs `only` lets it (`serval run --job`), queued ones included', async () => {
    journalOf({ id: 'mine-old', action: 'probe' }, { id: 'theirs-old', action: 'probe' })
    backend = EmbeddedBackend.open(app)
    const done = [finished(backend, 'mine-old'), finished(backend, 'mine-new')]
    await backend.work({ workers: 2, only: (id) => id.startsWith('mine') })
    await backend.enqueue(job('theirs-new'))
    await backend.enqueue(job('mine-new'))
    await Promise.all(done)
    await turn()
    expect(await backend.get('theirs-old')).toMatchObject({ status: 'queued' })
    expect(await backend.get('theirs-new')).toMatchObject({ status: 'queued' })
  })
})

describe('EmbeddedBackend edges', () => {
  /** An app like the shared one whose log lines are kept in `lines`. */
  async function loggedApp(lines: Record<string, unknown>[]): Promise<App> {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) })
    return createApp({ actions: [{ action: action({ name: 'probe' }, () => 'probed'), exportName: 'probe' }], settings: { data_dir: dir } as never, cwd: dir, logger })
  }

  it('opens a journal with an unreadable record (and changes to it) and says so; logs a failed write and a start record that could not be written', async () => {
    mkdirSync(join(dir, 'jobs'), { recursive: true })
    writeFileSync(join(dir, 'jobs', 'journal.ndjson'), `{"op":"put","job":{not json\n${JSON.stringify({ op: 'start', id: 'lost', at: 1 })}\n`)
    const lines: Record<string, unknown>[] = []
    backend = EmbeddedBackend.open(await loggedApp(lines), { fs })
    expect(await backend.get('lost')).toBeUndefined()
    expect(lines).toMatchObject([{ level: 40, skipped: 1, msg: 'job journal: skipped unreadable records' }])
    fs.failWrite(1)
    await expect(backend.enqueue(job('full'))).rejects.toMatchObject({ status: 503, detail: 'The job could not be stored' })
    expect(lines[1]).toMatchObject({ level: 50, err: { message: expect.stringContaining('ENOSPC') }, msg: 'job journal write failed' })
    await backend.enqueue(job('s'))
    fs.failWrite(1)
    const requeued = reached(backend, 's', (j) => j.status === 'queued')
    await backend.work({ workers: 1 })
    await requeued
    expect(lines.slice(2)).toMatchObject([
      { level: 50, msg: 'job journal write failed' },
      { level: 50, jobId: 's', err: { message: expect.stringContaining('ENOSPC') }, msg: 'job not started: its start record could not be written' },
    ])
  })

  it('says nothing about a clean journal', async () => {
    const lines: Record<string, unknown>[] = []
    backend = EmbeddedBackend.open(await loggedApp(lines))
    await backend.enqueue(job('a'))
    await backend.close()
    backend = EmbeddedBackend.open(await loggedApp(lines))
    expect(lines).toEqual([])
  })

  it("aborts a running handler's signal with a 503 'stopping' reason when the backend closes", async () => {
    let reason: unknown
    const listening = gate()
    const listens = action({ name: 'listens' }, (_input, ctx) => new Promise((resolve) => {
      ctx.signal.addEventListener('abort', () => resolve((reason = ctx.signal.reason)))
      listening.open()
    }))
    const own = await createApp({ actions: [{ action: listens, exportName: 'listens' }], settings: { data_dir: dir, log_level: 'silent' } as never, cwd: dir })
    backend = EmbeddedBackend.open(own)
    await backend.work({ workers: 1 })
    await backend.enqueue({ ...job('x'), action: 'listens' })
    await listening.promise
    await backend.close()
    backend = undefined
    expect(reason).toMatchObject({ status: 503, detail: 'The job runner is stopping' })
    expect((reason as { toProblem(): { detail: string } }).toProblem().detail).toBe('The job runner is stopping')
  })

  it('leaves the lock free when its journal cannot be opened', async () => {
    mkdirSync(join(dir, 'jobs', 'journal.ndjson'), { recursive: true }) // a directory where the file should be
    expect(() => EmbeddedBackend.open(app)).toThrow(/EISDIR/)
    rmSync(join(dir, 'jobs', 'journal.ndjson'), { recursive: true })
    backend = EmbeddedBackend.open(app)
    expect(backend.info().kept).toBe(0)
  })

  it('cancel answers undefined for an unknown job, and leaves a finished job as it ended', async () => {
    backend = EmbeddedBackend.open(app)
    expect(await backend.cancel('nope')).toBeUndefined()
    await backend.work({ workers: 1 })
    const done = finished(backend, 'd')
    await backend.enqueue(job('d'))
    await done
    expect(await backend.cancel('d')).toMatchObject({ status: 'succeeded', output: 'probed' })
    expect(await backend.get('d')).toMatchObject({ status: 'succeeded', output: 'probed', error: undefined })
  })

  it('cancels a queued job with a problem that names it', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.enqueue(job('q'))
    await backend.cancel('q')
    expect(await backend.get('q')).toMatchObject({ status: 'cancelled', error: { status: 409, instance: '/jobs/q' } })
  })

  it('fails a job whose action the app no longer has, naming it, without a retry', async () => {
    mkdirSync(join(dir, 'jobs'), { recursive: true })
    const put = { op: 'put', job: { ...job('old'), action: 'renamed-away', status: 'queued', attempts: 0, maxAttempts: 3, interruptions: 0 } }
    writeFileSync(join(dir, 'jobs', 'journal.ndjson'), `${JSON.stringify(put)}\n`)
    backend = EmbeddedBackend.open(app)
    const failed = reached(backend, 'old', (j) => j.status === 'failed')
    await backend.work({ workers: 1 })
    expect(await failed).toMatchObject({ attempts: 1, error: { type: 'urn:serval:problem:job-failed', detail: 'This app has no action "renamed-away" any more', instance: '/jobs/old' } })
  })

  it('ignores progress reported after the job ended', async () => {
    let report: ((fraction: number) => void) | undefined
    const late = action({ name: 'late' }, (_input, ctx) => {
      report = ctx.progress
      return 'early'
    })
    const lateApp = await createApp({ actions: [{ action: late, exportName: 'late' }], settings: { data_dir: dir, log_level: 'silent' } as never, cwd: dir })
    backend = EmbeddedBackend.open(lateApp)
    await backend.work({ workers: 1 })
    const done = finished(backend, 'l')
    await backend.enqueue({ ...job('l'), action: 'late' })
    await done
    const changes: JobRecord[] = []
    backend.watch((j) => changes.push(j))
    report!(0.9)
    expect(changes).toEqual([])
    expect((await backend.get('l'))!.progress).toBeUndefined()
  })

  it('starts ready jobs in the order they were submitted, across actions', async () => {
    Object.assign(held, { started: gate(), release: gate() })
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    await backend.enqueue({ ...job('h'), action: 'holder' })
    await held.started.promise
    const starts: string[] = []
    backend.watch((j) => j.status === 'running' && !starts.includes(j.id) && starts.push(j.id))
    const done = finished(backend, 'p2')
    await backend.enqueue(job('p1'))
    await backend.enqueue({ ...job('r1'), action: 'reporter' })
    await backend.enqueue(job('p2'))
    held.release.open()
    await done
    expect(starts).toEqual(['p1', 'r1', 'p2'])
  })

  it('does not run a finished job again after a restart', async () => {
    backend = EmbeddedBackend.open(app)
    await backend.work({ workers: 1 })
    const done = finished(backend, 'once')
    await backend.enqueue(job('once'))
    await done
    await backend.close()
    backend = EmbeddedBackend.open(app)
    expect(await backend.get('once')).toMatchObject({ status: 'succeeded', attempts: 1, output: 'probed' })
  })

  it(`counts every crash: a job that was running at ${MAX_INTERRUPTIONS - 1} restarts in a row is failed at the next one`, async () => {
    const crash = () => appendFileSync(join(dir, 'jobs', 'journal.ndjson'), `${JSON.stringify({ op: 'start', id: 'k', at: Date.now() })}\n`)
    journalOf({ id: 'k', action: 'probe' })
    for (let restart = 1; restart < MAX_INTERRUPTIONS; restart++) {
      crash()
      backend = EmbeddedBackend.open(app)
      expect(await backend.get('k'), `restart ${restart}`).toMatchObject({ status: 'queued', attempts: 0 })
      await backend.close()
    }
    crash()
    backend = EmbeddedBackend.open(app)
    expect(await backend.get('k')).toMatchObject({ status: 'failed', error: { type: 'urn:serval:problem:job-failed', interruptions: MAX_INTERRUPTIONS } })
  })
})
