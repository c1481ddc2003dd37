/**
 * One mount: a set of function dirs served as their own app under `prefix`,
 * with a few settings of its own.
 *
 * @example
 * ```ts
 * const billing: MountSpec = { name: 'billing', prefix: '/billing', dirs: ['billing'], auth_mode: 'jwt' }
 * ```
 */
export interface MountSpec {
  /** Unique among mounts: letters, digits, `-` and `_`. */
  readonly name: string
  /** `/billing`, `/v2/billing`: no trailing slash, unique, never a path Serval itself serves. */
  readonly prefix: string
  /** Function dirs; in a config file relative to the file, else to the working directory. */
  readonly dirs: readonly string[]
  readonly auth_mode?: 'none' | 'jwt' | 'oidc'
  readonly cors_allowed_origins?: readonly string[]
  /** Requests per window per caller for every action of the mount (0 = off). */
  readonly rate_limit?: { readonly max: number; readonly window_s?: number }
}

/** A mount that breaks a rule: what is wrong, and where (`mounts[1].prefix`). */
export interface MountIssue {
  readonly path: string
  readonly message: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
const PREFIX = /^(?:\/[A-Za-z0-9._~-]+)+$/
const KEYS = new Set(['name', 'prefix', 'dirs', 'auth_mode', 'cors_allowed_origins', 'rate_limit'])
const AUTH_MODES = new Set(['none', 'jwt', 'oidc'])

/**
 * Paths of the root app a mount may not take: its first segment would
 * hide Serval's own routes.
 */
export const RESERVED_SEGMENTS = new Set(['actions', 'jobs', 'results', 'assets', '_sys', 'docs', 'openapi.json', 'asyncapi.json', 'ws', 'channels', 'graphql', 'graphiql', 'auth', 'metrics'])

/**
 * The issues of one mount, at `path` (`mounts[0]`, or `` for a body).
 * Empty when the mount is well formed.
 *
 * @example
 * ```ts
 * mountIssues({ name: 'b', prefix: 'billing', dirs: [] }, 'mounts[0]') // prefix and dirs issues
 * ```
 */
export function mountIssues(raw: unknown, path: string): MountIssue[] {
  const at = (key: string) => (path ? `${path}.${key}` : key)
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [{ path: path || '/', message: 'must be an object { name, prefix, dirs }' }]
  const m = raw as Record<string, unknown>
  const issues: MountIssue[] = []
  const add = (key: string, message: string) => issues.push({ path: at(key), message })
  for (const key of Object.keys(m)) if (!KEYS.has(key)) add(key, `unknown key (known: ${[...KEYS].join(', ')})`)
  if (typeof m.name !== 'string' || !NAME.test(m.name)) add('name', 'must be 1-64 letters, digits, - or _')
  prefixIssues(m.prefix).forEach((message) => add('prefix', message))
  if (!Array.isArray(m.dirs) || m.dirs.length === 0 || !m.dirs.every((d) => typeof d === 'string' && d.length > 0)) add('dirs', 'must be a non-empty list of directories')
  if (m.auth_mode !== undefined && !AUTH_MODES.has(m.auth_mode as string)) add('auth_mode', 'must be one of none, jwt, oidc')
  if (m.cors_allowed_origins !== undefined && !(Array.isArray(m.cors_allowed_origins) && m.cors_allowed_origins.every((o) => typeof o === 'string'))) add('cors_allowed_origins', 'must be a list of origins')
  if (m.rate_limit !== undefined && !isRateLimit(m.rate_limit)) add('rate_limit', 'must be { max: integer >= 0, window_s?: integer >= 1 }')
  return issues
}

function prefixIssues(prefix: unknown): string[] {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) return ['must be a path like /billing (segments of letters, digits, . _ ~ -; no trailing slash)']
  const first = prefix.split('/')[1] as string
  return RESERVED_SEGMENTS.has(first) ? [`/${first} is a path of the root app`] : []
}

function isRateLimit(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const { max, window_s: window, ...rest } = value as Record<string, unknown>
  const int = (n: unknown, min: number) => typeof n === 'number' && Number.isInteger(n) && n >= min
  return Object.keys(rest).length === 0 && int(max, 0) && (window === undefined || int(window, 1))
}

/**
 * Whether two prefixes overlap: equal, or one a path prefix of the other
 * (`/billing` and `/billing/eu`), so a request could not tell them apart.
 *
 * @example
 * ```ts
 * prefixesOverlap('/billing', '/billing/eu') // true
 * prefixesOverlap('/billing', '/billings') // false
 * ```
 */
export function prefixesOverlap(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a]
  return long === short || long.startsWith(`${short}/`)
}

/**
 * The issues between mounts: a duplicate name, or prefixes that overlap.
 *
 * @example
 * ```ts
 * tableIssues([a, { ...a, prefix: '/other' }]) // [{ path: 'mounts[1].name', message: 'duplicate name "billing"' }]
 * ```
 */
export function tableIssues(mounts: readonly MountSpec[]): MountIssue[] {
  const issues: MountIssue[] = []
  mounts.forEach((m, i) => {
    const earlier = mounts.slice(0, i)
    if (earlier.some((o) => o.name === m.name)) issues.push({ path: `mounts[${i}].name`, message: `duplicate name "${m.name}"` })
    const clash = earlier.find((o) => prefixesOverlap(o.prefix, m.prefix))
    if (clash) issues.push({ path: `mounts[${i}].prefix`, message: `${m.prefix} overlaps ${clash.prefix} (mount "${clash.name}")` })
  })
  return issues
}

/**
 * Parses the `mounts` setting: a list (a config file's value, or JSON text
 * from env and flags) of well-formed mounts with unique names and
 * prefixes. Throws the first issue, named by its path.
 *
 * @example
 * ```ts
 * parseMounts('[{"name":"billing","prefix":"/billing","dirs":["billing"]}]', fail)
 * ```
 */
export function parseMounts(raw: unknown, fail: (what: string) => never): MountSpec[] {
  let value = raw
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? [] : JSON.parse(raw)
    } catch {
      return fail('must be a JSON list of mounts')
    }
  }
  if (!Array.isArray(value)) return fail('must be a list of mounts { name, prefix, dirs }')
  const issues = value.flatMap((m, i) => mountIssues(m, `mounts[${i}]`))
  const specs = value as MountSpec[]
  const first = issues[0] ?? tableIssues(specs)[0]
  if (first) return fail(`${first.path} ${first.message}`)
  return specs.map((m) => ({ ...m, dirs: [...m.dirs] }))
}
