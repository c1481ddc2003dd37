import type { TestServer } from 'serval/testing'

/** POSTs one GraphQL operation; the status and the parsed JSON answer. */
export async function gql(t: TestServer, query: string, variables?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  return { status: res.status, body: await res.json() }
}
