import { describe, expect, it } from 'vitest'
import { ActionError, errorCodes, ServalError, toProblem } from 'serval'
import { codeForStatus, problemHeaders, problemType } from './index.ts'

describe('ServalError', () => {
  it('takes status and title from the registry; the message is the detail, else the title', () => {
    const e = new ServalError('not-found', { detail: 'no action "x"' })
    expect(e).toMatchObject({ name: 'ServalError', code: 'not-found', status: 404, title: 'Not found', detail: 'no action "x"', message: 'no action "x"' })
    expect(new ServalError('conflict').message).toBe('Conflict')
    expect(new ServalError('conflict').detail).toBeUndefined()
  })

  it('lets status and title be overridden, and an unknown code is a 500 titled Error', () => {
    expect(new ServalError('not-found', { status: 410, title: 'Gone' })).toMatchObject({ status: 410, title: 'Gone' })
    expect(new ServalError('no-such-code')).toMatchObject({ status: 500, title: 'Error' })
  })

  it('keeps its cause, headers and extensions', () => {
    const cause = new Error('root')
    const e = new ServalError('unauthorized', { cause, headers: { 'www-authenticate': 'Bearer' }, extensions: { hint: 1 } })
    expect(e.cause).toBe(cause)
    expect(problemHeaders(e)).toEqual({ 'www-authenticate': 'Bearer' })
    expect(problemHeaders(new Error('x'))).toBeUndefined()
    expect('cause' in new ServalError('internal')).toBe(false)
  })

  it('a client error carries no stack frames; a server error keeps them; the global limit is restored', () => {
    const before = Error.stackTraceLimit
    const client = new ServalError('invalid-input')
    expect(Error.stackTraceLimit).toBe(before)
    const server = new ServalError('internal')
    expect(Error.stackTraceLimit).toBe(before)
    expect(client.stack?.split('\n').filter((l) => l.trimStart().startsWith('at '))).toEqual([])
    expect(server.stack).toMatch(/\n\s+at /)
    expect(new ServalError('bad-request', { status: 500 }).stack).toMatch(/\n\s+at /)
    expect(new ServalError('internal', { status: 499 }).stack).not.toMatch(/\n\s+at /)
  })

  it('toProblem: type, title, status, and only the members that are set', () => {
    // toStrictEqual: a member set to undefined is a member too.
    expect(new ServalError('conflict').toProblem()).toStrictEqual({ type: 'urn:serval:problem:conflict', title: 'Conflict', status: 409 })
    expect(new ServalError('conflict').toProblem({ instance: '/i' })).toStrictEqual({ type: 'urn:serval:problem:conflict', title: 'Conflict', status: 409, instance: '/i' })
    expect(Object.keys(new ServalError('conflict', { detail: 'd' }).toProblem({ requestId: 'r' }))).toEqual(['type', 'title', 'status', 'detail', 'requestId'])
    const issues = [{ path: '/a', message: 'bad' }]
    expect(new ServalError('invalid-input', { detail: 'd', errors: issues, extensions: { extra: true } }).toProblem({ instance: '/actions/x', requestId: 'r1' })).toEqual({
      type: 'urn:serval:problem:invalid-input',
      title: 'Invalid input',
      status: 422,
      detail: 'd',
      instance: '/actions/x',
      requestId: 'r1',
      errors: issues,
      extra: true,
    })
  })
})

describe('ActionError', () => {
  it.each([399, 600, 200, 450.5, Number.NaN])('refuses status %s, naming it', (status) => {
    expect(() => new ActionError(status, 'x')).toThrow(new RangeError(`ActionError status must be an integer from 400 to 599, got ${status}`))
  })

  it.each([400, 599])('accepts the boundary status %s', (status) => {
    expect(new ActionError(status, 'edge').status).toBe(status)
  })

  it('is an action-error with the message as title and detail; details only when given; a custom code', () => {
    const e = new ActionError(409, 'Name taken')
    expect(e).toBeInstanceOf(ServalError)
    expect(e).toMatchObject({ name: 'ActionError', code: 'action-error', status: 409, title: 'Name taken', detail: 'Name taken', extensions: undefined })
    expect(e.toProblem()).toEqual({ type: 'urn:serval:problem:action-error', title: 'Name taken', status: 409, detail: 'Name taken' })
    expect(new ActionError(402, 'Pay', { plan: 'pro' }, 'payment-required').toProblem()).toEqual({
      type: 'urn:serval:problem:payment-required',
      title: 'Pay',
      status: 402,
      detail: 'Pay',
      details: { plan: 'pro' },
    })
  })
})

describe('toProblem', () => {
  it('passes a ServalError through with instance and requestId', () => {
    expect(toProblem(new ServalError('not-found'), { devMode: false, instance: '/x', requestId: 'r' })).toEqual({
      type: 'urn:serval:problem:not-found',
      title: 'Not found',
      status: 404,
      instance: '/x',
      requestId: 'r',
    })
  })

  it('hides anything else outside dev mode', () => {
    expect(toProblem(new TypeError('secret path /etc'), { devMode: false })).toEqual({
      type: 'urn:serval:problem:internal',
      title: 'Internal server error',
      status: 500,
      detail: 'An internal error occurred; see the server log for this requestId',
    })
  })

  it('describes it in dev mode: name, message and stack, or the value as text', () => {
    const error = new TypeError('boom')
    const detail = toProblem(error, { devMode: true }).detail!
    expect(detail.startsWith('TypeError: boom\n')).toBe(true)
    expect(detail).toContain(error.stack!)
    const stackless = new Error('flat')
    stackless.stack = ''
    expect(toProblem(stackless, { devMode: true }).detail).toBe('Error: flat')
    expect(toProblem(42, { devMode: true }).detail).toBe('42')
    expect(toProblem({ toString: () => 'odd' }, { devMode: true }).detail).toBe('odd')
  })
})

describe('the registry helpers', () => {
  it('problemType is a URN of the code', () => {
    expect(problemType('not-found')).toBe('urn:serval:problem:not-found')
  })

  it('codeForStatus finds the first code of a status, never action-error, else a generic one', () => {
    expect(codeForStatus(404)).toBe('not-found')
    expect(codeForStatus(400)).toBe('bad-request')
    expect(codeForStatus(409)).toBe('conflict')
    expect(codeForStatus(503)).toBe('unavailable')
    expect(codeForStatus(418)).toBe('bad-request')
    expect(codeForStatus(599)).toBe('internal')
    expect(codeForStatus(500)).toBe('internal')
    for (const [code, def] of Object.entries(errorCodes)) if (code !== 'action-error') expect(errorCodes[codeForStatus(def.status)].status).toBe(def.status)
  })
})
