import type { Principal } from '../auth/principal.ts'
import type { CompiledAction } from './registry.ts'

/** What a transport hands over for authentication. */
export interface Credentials {
  /** The `Authorization` header value. */
  readonly authorization?: string | undefined
  /** The `X-Group-Id` header value. */
  readonly groupId?: string | undefined
  /** The TLS client certificate's subject, when mTLS verified one. */
  readonly certificate?: Principal['certificate']
  /** The `X-API-Key` header value. */
  readonly apiKey?: string | undefined
  /** The `serval_session` cookie as sent (signed; the security checks it). */
  readonly session?: string | undefined
  /**
   * True for a state-changing request (POST, PUT, PATCH, DELETE, a
   * WebSocket upgrade) that does not prove it comes from this server's own
   * origin (`Origin`, `Sec-Fetch-Site`): a browser may have sent it for
   * another site, so a session cookie on it is refused (CSRF).
   */
  readonly crossSite?: boolean | undefined
  /** The client's address, to slow down password guessing per client. */
  readonly client?: string | undefined
}

/**
 * The auth step of the invocation pipeline, shared by every transport.
 * `authenticate` runs before validation (a caller without a token learns
 * nothing about the schema); `authorize` runs after it (access rules may
 * look at the input).
 */
export interface Security {
  /** Verifies what was sent; throws a 401 `ServalError` when the action needs a principal and has none. */
  authenticate(action: CompiledAction, credentials: Credentials | undefined): Principal | null | Promise<Principal | null>
  /** Throws a 403 `ServalError` when the principal may not run the action with this input. */
  authorize(action: CompiledAction, principal: Principal | null, input: unknown): void | Promise<void>
  /** True when `authorize` does nothing, so the pipeline can skip the call. */
  readonly open: boolean
  /**
   * The verified principal of credentials, whatever the action (null
   * without any); throws like `authenticate` for bad ones. Transports use it
   * to key per-caller limits before the pipeline runs.
   */
  identify?(credentials: Credentials | undefined): Principal | null | Promise<Principal | null>
}

/** No auth: every caller is anonymous and allowed. */
export const openSecurity: Security = {
  authenticate: () => null,
  authorize: () => undefined,
  open: true,
}
