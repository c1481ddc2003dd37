/**
 * Who is calling: the verified identity behind a request's token.
 *
 * @example
 * ```ts
 * export const me = action({ http: 'GET' }, (_input, ctx) => ctx.auth?.sub ?? 'anonymous')
 * ```
 */
export interface Principal {
  /** The token's subject. */
  readonly sub: string
  /** Granted scopes, from `scope` (space-separated), `scp` or `scopes`. */
  readonly scopes: readonly string[]
  /** Groups, from the `groups` claim. */
  readonly groups: readonly string[]
  /** The request's group: `X-Group-Id`, else `default_group_id`. */
  readonly groupId?: string
  /** Every verified claim of the token. */
  readonly claims: Readonly<Record<string, unknown>>
  /** The client certificate's subject, under mTLS. */
  readonly certificate?: { readonly subject: Readonly<Record<string, string>>; readonly fingerprint256?: string }
}

/**
 * The scope of operators: `serval:admin` principals see the system's jobs,
 * the internals in `/_sys/info`, and the admin views (`/_sys/config`,
 * `/_sys/requests`, `/_sys/mounts`).
 *
 * @example
 * ```ts
 * principal.scopes.includes(ADMIN_SCOPE)
 * ```
 */
export const ADMIN_SCOPE = 'serval:admin'
