import type { ClientProblem } from './wire.ts'

/**
 * A call that failed on the server: carries the problem document (RFC 9457)
 * it answered with, or one made from the status when the body was no problem.
 *
 * @example
 * ```ts
 * try { await client.sayHello({ name: '' }) } catch (e) {
 *   if (e instanceof ServalClientError && e.status === 422) console.log(e.errors)
 * }
 * ```
 */
export class ServalClientError extends Error {
  readonly problem: ClientProblem

  constructor(problem: ClientProblem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title)
    this.name = 'ServalClientError'
    this.problem = problem
  }

  get status(): number {
    return this.problem.status
  }

  get type(): string {
    return this.problem.type
  }

  get detail(): string | undefined {
    return this.problem.detail
  }

  get errors(): ClientProblem['errors'] {
    return this.problem.errors
  }
}

/**
 * The error of a non-2xx response: its problem document, or one made from the status.
 *
 * @example
 * ```ts
 * if (!res.ok) throw await responseError(res)
 * ```
 */
export async function responseError(res: Response): Promise<ServalClientError> {
  const text = await res.text().catch(() => '')
  return new ServalClientError(parseProblem(text) ?? { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status })
}

/**
 * A problem document from JSON text, or undefined when it is none.
 *
 * @example
 * ```ts
 * parseProblem('{"type":"urn:serval:problem:not-found","title":"Not found","status":404}')?.status // 404
 * ```
 */
export function parseProblem(text: string): ClientProblem | undefined {
  try {
    const value: unknown = JSON.parse(text)
    const p = value as Partial<ClientProblem> | null
    return p && typeof p === 'object' && typeof p.status === 'number' && typeof p.title === 'string' ? (p as ClientProblem) : undefined
  } catch {
    return undefined
  }
}
