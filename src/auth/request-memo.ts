import type { Credentials } from '../core/security.ts'
import type { Principal } from './principal.ts'

/** Credentials objects built for one HTTP request: only theirs are remembered. */
const oneRequest = new WeakSet<Credentials>()
const memos = new WeakMap<Credentials, { readonly principal: Promise<Principal | null>; until: number }>()

/**
 * Marks credentials as those of one HTTP request, so the token in them is
 * verified once however many calls the request makes (a GraphQL operation
 * invokes an action per field, all with this object). A new request builds
 * a new object, so nothing is remembered across requests; a WebSocket's
 * credentials, which outlive their upgrade request, are never marked.
 *
 * @example
 * ```ts
 * const credentials = forOneRequest({ authorization: request.headers.authorization })
 * ```
 */
export function forOneRequest<C extends Credentials>(credentials: C): C {
  oneRequest.add(credentials)
  return credentials
}

/**
 * The principal `verify` gives for `credentials`, verified once per marked
 * request (see {@link forOneRequest}): the calls of that request share the
 * first verification, even while it is running, and nothing past the
 * token's `exp`: then `verify` runs again (and refuses it). A failure is
 * not remembered. Unmarked credentials are verified every time.
 *
 * @example
 * ```ts
 * return verifiedOnce(credentials, () => this.#verify(token, credentials))
 * ```
 */
export function verifiedOnce(credentials: Credentials | undefined, verify: () => Promise<Principal | null>, now: () => number = Date.now): Promise<Principal | null> {
  if (credentials === undefined || !oneRequest.has(credentials)) return verify()
  const hit = memos.get(credentials)
  if (hit && hit.until > now()) return hit.principal
  const entry = { principal: verify(), until: Number.POSITIVE_INFINITY }
  memos.set(credentials, entry)
  entry.principal.then(
    (principal) => void (entry.until = expiresAt(principal)),
    () => memos.get(credentials) === entry && memos.delete(credentials),
  )
  return entry.principal
}

function expiresAt(principal: Principal | null): number {
  const exp = principal?.claims.exp
  return typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY
}
