// Checks a contender's answers before it is measured: a benchmark of a
// server that answers wrongly is worthless, so any mismatch aborts the run.
import { JSON_HEADERS, WORKLOADS, type Workload } from './workloads.ts'

async function verifyOne(port: number, w: Workload): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${w.path}`, {
    method: w.method,
    ...(w.body === undefined ? {} : { body: w.body, headers: JSON_HEADERS }),
  })
  const text = await res.text()
  if (res.status !== w.expectStatus) throw new Error(`status ${res.status}, expected ${w.expectStatus}: ${text.slice(0, 300)}`)
  const type = res.headers.get('content-type') ?? ''
  const wantType = w.expectStatus === 200 ? 'application/json' : 'application/problem+json'
  if (!type.startsWith(wantType)) throw new Error(`content-type ${type}, expected ${wantType}`)
  const requestId = res.headers.get('x-request-id')
  if (!requestId) throw new Error('no X-Request-Id header')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`body is not JSON: ${text.slice(0, 300)}`)
  }
  w.checkBody(body, requestId)
}

/** Throws naming the contender and workload on the first wrong answer. */
export async function verifyContender(label: string, port: number): Promise<void> {
  for (const w of WORKLOADS) {
    try {
      await verifyOne(port, w)
    } catch (err) {
      throw new Error(`${label} answers ${w.label} wrongly: ${(err as Error).message}`)
    }
  }
}
