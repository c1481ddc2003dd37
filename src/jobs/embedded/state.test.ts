import { describe, expect, it } from 'vitest'
import { outcomeOp, type StoredJob } from './state.ts'

const job: StoredJob = { id: 'j', action: 'a', input: {}, principal: null, trigger: 'job', createdAt: 0, status: 'running', attempts: 1, maxAttempts: 3, interruptions: 0 }
const problem = { type: 'about:blank', title: 'x', status: 500 }

describe('outcomeOp', () => {
  it('puts a run cut short by shutdown back in the queue without counting it as a crash (the cap is for crashes)', () => {
    expect(outcomeOp(job, { kind: 'interrupted' }, 10, 0)).toEqual({ op: 'requeue', id: 'j', interrupted: false })
  })

  it('retries a retryable failure after the delay while attempts are left, else ends it failed', () => {
    expect(outcomeOp(job, { kind: 'failed', problem, retry: true }, 10, 250)).toEqual({ op: 'retry', id: 'j', runAt: 260, error: problem })
    expect(outcomeOp({ ...job, attempts: 3 }, { kind: 'failed', problem, retry: true }, 10, 250)).toEqual({ op: 'end', id: 'j', at: 10, status: 'failed', error: problem })
    expect(outcomeOp(job, { kind: 'failed', problem, retry: false }, 10, 250)).toMatchObject({ op: 'end', status: 'failed' })
  })
})
