import { multihashProblem } from '../version/multihash.ts'
import type { MountSpec } from './mounts.ts'

/** The kind of value a setting holds; decides how text from env or flags is parsed. */
export type SettingKind = 'string' | 'int' | 'bool' | 'list' | 'bytes' | 'enum' | 'url' | 'proxy' | 'mounts'

/** One setting: its name (snake case), kind, default and help text. */
export interface SettingDef {
  readonly kind: SettingKind
  readonly default?: unknown
  readonly values?: readonly string[]
  /** The least (int, bytes) or, for a string, the shortest length. */
  readonly min?: number
  readonly max?: number
  /** For a string: what is wrong with it (undefined when nothing is), beyond its length. */
  readonly check?: (text: string) => string | undefined
  /** Hidden from `serval config` output (a secret). */
  readonly secret?: boolean
  readonly help: string
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Every setting Serval reads, in one table: the CLI flags, the `SERVAL_*`
 * variables, the config file keys and `serval config` all come from it.
 */
export const settingDefs = {
  host: { kind: 'string', default: '127.0.0.1', help: 'Interface to bind; 0.0.0.0 for every interface' },
  port: { kind: 'int', default: 8000, min: 0, max: 65535, help: 'Port to listen on; 0 picks a free one' },
  function_dirs: { kind: 'list', default: [], help: 'Directories to discover actions in (comma-separated)' },
  data_dir: { kind: 'string', default: './.serval', help: 'Where jobs, results and assets are kept' },
  dev_mode: { kind: 'bool', default: false, help: 'Dev mode: error details in responses, debug token endpoint' },
  reload: { kind: 'bool', default: false, help: 'Reload in place when an action file changes (a new app beside the old, swapped; in-flight requests finish on the old)' },
  log_level: { kind: 'enum', values: LOG_LEVELS, default: 'info', help: 'Log threshold (changeable at runtime: PATCH /_sys/config)' },
  log_format: { kind: 'enum', values: ['auto', 'json', 'pretty'], default: 'auto', help: 'Log lines: auto (pretty on a terminal, JSON lines otherwise), json or pretty' },
  cors_allowed_origins: { kind: 'list', default: [], help: 'Origins allowed by CORS (exact match)' },
  public_base_url: { kind: 'url', help: 'Public URL of the server, for links (default: from each request)' },
  auth_mode: { kind: 'enum', values: ['none', 'jwt', 'oidc'], default: 'none', help: 'Authentication of requests' },
  jwt_secret: { kind: 'string', secret: true, help: 'HS256 secret when auth_mode=jwt' },
  debug_password: { kind: 'string', secret: true, help: 'Password of the dev-mode token endpoint (printed when generated)' },
  jwt_issuer: { kind: 'string', min: 1, help: 'Required iss of HS256 tokens when auth_mode=jwt; unset, any iss but the dev one' },
  jwt_audience: { kind: 'string', min: 1, help: 'Required aud of HS256 tokens when auth_mode=jwt; unset, any aud' },
  oidc_url: { kind: 'url', help: 'OIDC issuer URL (discovery at {url}/.well-known/openid-configuration)' },
  oidc_audience: { kind: 'string', help: 'Required token audience under OIDC' },
  oidc_client_id: { kind: 'string', help: 'OIDC client id for the docs UI' },
  oauth2_scopes: { kind: 'list', default: [], help: 'Scopes offered by the docs UI "Authorize" dialog' },
  allowed_groups: { kind: 'list', default: [], help: 'Groups allowed to call actions; empty allows all' },
  default_group_id: { kind: 'string', help: 'Group used when a request sends no X-Group-Id' },
  api_keys_file: { kind: 'string', min: 1, help: 'YAML or JSON list of API keys ([{ key_sha256, sub, scopes, groups? }]) accepted in X-API-Key' },
  basic_users_file: { kind: 'string', min: 1, help: 'YAML or JSON list of users ([{ username, password_hash, scopes, groups? }], argon2id or scrypt hashes) for Basic auth and login' },
  session_secret: { kind: 'string', secret: true, min: 32, help: 'Signs the serval_session cookie; set, enables POST /auth/login and /auth/logout (needs basic_users_file)' },
  session_ttl_s: { kind: 'int', default: 86_400, min: 1, help: 'Seconds a login session lives unused; each use extends it' },
  login_path: { kind: 'string', default: '/login', check: (t) => (/^\/[^?#\s]*$/.test(t) ? undefined : 'must be a path starting with "/", without a query, fragment or spaces'), help: 'Where browsers without a session are sent (a built-in login form unless a page has this path)' },
  auth_clock_skew_s: { kind: 'int', default: 30, min: 0, max: 600, help: 'Seconds of clock skew tolerated in token exp/nbf/iat checks' },
  oidc_jwks_cooldown_s: { kind: 'int', default: 30, min: 0, max: 3600, help: 'Seconds before an unknown token kid may trigger another JWKS fetch' },
  rate_limit_max: { kind: 'int', default: 0, min: 0, help: 'Default requests per window per caller for every action (0 = off; actions may set rateLimit)' },
  rate_limit_window_s: { kind: 'int', default: 60, min: 1, max: 86_400, help: 'The window of rate_limit_max, in seconds' },
  trust_proxy: { kind: 'proxy', default: false, help: 'Take the client IP from X-Forwarded-For: false, true (any proxy), a hop count, or proxy addresses/CIDRs (comma-separated)' },
  redis_url: { kind: 'url', help: 'Redis for distributed jobs, schedules, channels, the result cache, stored results and assets; unset = embedded' },
  redis_prefix: { kind: 'string', default: 'serval', help: 'Prefix of every Redis key Serval writes (one per app sharing a Redis)' },
  workers: { kind: 'int', default: 4, min: 0, max: 1000, help: 'Jobs this process runs at once, in all (also with redis_url); 0 = none, submit only' },
  job_retention_s: { kind: 'int', default: 86_400, min: 1, help: 'Seconds a finished job and its result are kept (per action: job.retentionS)' },
  sse_heartbeat_s: { kind: 'int', default: 15, min: 0, max: 3600, help: 'Seconds between SSE heartbeat comments on an idle stream (0 = none)' },
  version_mode: { kind: 'enum', values: ['runtime', 'git', 'manual'], default: 'runtime', help: 'How functionsVersion is computed' },
  functions_version: { kind: 'string', check: multihashProblem, help: 'The functions version when version_mode=manual: a multibase multihash, e.g. zQm… (base58btc sha2-256)' },
  git_commit: { kind: 'string', check: (t) => (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(t) ? undefined : 'must be a full git commit id (40 or 64 hex digits)'), help: 'The commit version_mode=git uses instead of asking git (for builds without .git)' },
  tls_cert: { kind: 'string', help: 'TLS certificate (path or inline PEM)' },
  tls_key: { kind: 'string', secret: true, help: 'TLS private key (path or inline PEM)' },
  tls_client_ca: { kind: 'string', help: 'CA that client certificates must chain to (enables mTLS)' },
  shutdown_grace_s: { kind: 'int', default: 10, min: 0, max: 3600, help: 'Seconds in-flight requests get on shutdown; then the remaining connections are cut' },
  body_limit: { kind: 'bytes', default: 1_048_576, min: 1, help: 'Largest request body (e.g. 1mb, 512kb, 1048576)' },
  upload_limit: { kind: 'bytes', default: 10_485_760, min: 1, help: 'Largest file part of a multipart/form-data upload (per part); over it is a 413. Files stream to data_dir/uploads, never into memory' },
  max_json_depth: { kind: 'int', default: 64, min: 1, max: 10_000, help: 'Deepest nesting a JSON body may have' },
  max_header_size: { kind: 'bytes', default: 16_384, min: 1024, max: 1_048_576, help: 'Largest request line + headers; over it is a 431' },
  max_url_length: { kind: 'int', default: 8192, min: 256, help: 'Longest request URL (path + query); over it is a 414' },
  max_connections: { kind: 'int', default: 10_000, min: 0, help: 'Open connections at most (0 = unlimited)' },
  max_concurrency: { kind: 'int', default: 0, min: 0, help: 'Action calls over HTTP (/actions/*) running at once; past it a 503 + Retry-After (0 = unlimited; /_sys/* and files are exempt)' },
  request_timeout_s: { kind: 'int', default: 60, min: 0, help: 'Seconds a request may take before the socket is closed' },
  validate_output: { kind: 'bool', default: true, help: 'Check outputs against their schema (a mismatch is a 500)' },
  ws_ping_s: { kind: 'int', default: 30, min: 1, max: 3600, help: 'Seconds between WebSocket pings; a socket that misses one is dropped' },
  ws_max_buffer: { kind: 'bytes', default: 1_048_576, min: 1024, help: 'Unsent bytes a WebSocket may queue; past it the socket is closed with 1013' },
  ws_max_connections: { kind: 'int', default: 10_000, min: 1, help: 'Open WebSockets at most; past it an upgrade is a 503' },
  ws_max_payload: { kind: 'bytes', default: 1_048_576, min: 1024, help: 'Largest WebSocket frame a client may send; over it the socket is closed with 1009' },
  webhook_max_backoff_s: { kind: 'int', default: 300, min: 1, help: 'Longest wait between two webhook delivery attempts (1 s doubling up to it)' },
  results_retention_s: { kind: 'int', default: 604_800, min: 1, help: 'Seconds a stored result (store: true, ?store=true) is kept' },
  results_public_base_url: { kind: 'url', help: 'Base of the Location of stored results (default: public_base_url, else the request origin)' },
  assets_public_base_url: { kind: 'url', help: 'Base of asset hrefs (default: the request origin)' },
  assets_retention_s: { kind: 'int', default: 604_800, min: 0, help: 'Seconds an asset is kept after the last answer that referred to it, and at least as long as a stored result that does (0 = forever)' },
  cache_max_entries: { kind: 'int', default: 10_000, min: 1, help: 'Entries the embedded result cache keeps in memory (and in data_dir/cache); the least recently used go first' },
  cache_max_bytes: { kind: 'bytes', default: 67_108_864, min: 65_536, help: 'Bytes (as JSON) the embedded result cache keeps in memory, all entries together (e.g. 64mb); the least recently used go first' },
  cache_max_entry_bytes: { kind: 'bytes', default: 1_048_576, min: 1024, help: 'Largest result (as JSON) the result cache keeps, embedded or in Redis (e.g. 1mb); a larger one is answered but not kept (X-Cache: MISS each time)' },
  graphql_max_depth: { kind: 'int', default: 10, min: 1, max: 100, help: 'Deepest nesting of a GraphQL operation; deeper is refused with a 400' },
  graphql_max_cost: { kind: 'int', default: 1000, min: 1, help: 'Most fields a GraphQL operation may select (per alias and fragment spread); more is refused with a 400' },
  graphql_max_calls: { kind: 'int', default: 1000, min: 1, help: 'Most action and resolver calls one GraphQL query or mutation may make (a field on a list runs once per item; a batched field once); past it the remaining fields fail with a 400 error' },
  graphql_introspection: { kind: 'bool', default: false, help: 'Allow GraphQL introspection outside dev mode (always on in dev mode)' },
  graphql_max_subscriptions: { kind: 'int', default: 100, min: 1, help: 'Operations one GraphQL WebSocket may run at once; past it a subscribe is answered with a 429 error message' },
  mounts: { kind: 'mounts', default: [], help: 'Apps served under a path prefix: [{ name, prefix, dirs, auth_mode?, cors_allowed_origins?, rate_limit? }] (JSON in env and flags)' },
  base_path: { kind: 'string', default: '', help: 'Path prefix clients reach this app under, for links, OpenAPI servers and docs (each mount gets its prefix)' },
  admin_api: { kind: 'bool', default: false, help: 'Serve /_sys/mounts (deploy and undeploy mounts at runtime) to serval:admin principals' },
  deploy_root: { kind: 'string', default: './deploy', help: 'Directory the dirs of a mount deployed through /_sys/mounts must lie under' },
  graphiql: { kind: 'bool', default: false, help: 'Serve the GraphiQL UI at /graphiql outside dev mode (always on in dev mode)' },
  metrics: { kind: 'bool', default: true, help: 'Serve GET /metrics (Prometheus text): requests, jobs, queue depth, cache answers, WebSockets, process' },
  metrics_token: { kind: 'string', secret: true, min: 16, help: 'Bearer token GET /metrics requires; unset, /metrics is public (as Prometheus expects)' },
  tracing: { kind: 'bool', default: true, help: 'An OpenTelemetry span per invocation, continuing traceparent; exported only when OTEL_* variables name an exporter' },
  resource_open_timeout_s: { kind: 'int', default: 30, min: 1, max: 3600, help: 'Seconds a resource may take to open; longer is a failed open (the server exits 1)' },
} as const satisfies Record<string, SettingDef>

/** A setting's name, e.g. `'port'`. */
export type SettingName = keyof typeof settingDefs

type ValueOf<D> = D extends { kind: 'proxy' } ? boolean | number | string[] : D extends { kind: 'mounts' } ? MountSpec[] : PlainValueOf<D>

type PlainValueOf<D> = D extends { kind: 'int' | 'bytes' }
  ? number
  : D extends { kind: 'bool' }
    ? boolean
    : D extends { kind: 'list' }
      ? string[]
      : D extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : string

type HasDefault<D> = D extends { default: unknown } ? true : false

/**
 * The effective settings, typed from the table.
 *
 * @example
 * ```ts
 * const { settings } = await loadSettings({ cli: { port: '0' } })
 * settings.port // number
 * ```
 */
export type Settings = {
  -readonly [K in SettingName as HasDefault<(typeof settingDefs)[K]> extends true ? K : never]: ValueOf<(typeof settingDefs)[K]>
} & {
  -readonly [K in SettingName as HasDefault<(typeof settingDefs)[K]> extends true ? never : K]?: ValueOf<(typeof settingDefs)[K]>
}
