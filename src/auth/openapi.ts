import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { accessRule } from './access.ts'
import { ADMIN_SCOPE } from './principal.ts'
import { kindsOf } from './credential-kinds.ts'
import type { CredentialKinds } from './credential-security.ts'
import { debugIssuerOf } from './debug-issuer.ts'
import { discoveryUrl } from './issuers.ts'
import { problemResponse } from '../openapi/schemas.ts'
import { sessionCookieScope } from './session-cookie.ts'

type Json = Record<string, any>

/**
 * Adds auth to the OpenAPI document: the security schemes of `auth_mode`
 * (bearer; in dev mode an OAuth2 password flow at `/auth/token`; under
 * OIDC an `openIdConnect` scheme the docs UI discovers), each action
 * operation's requirement (`security: []` for public ones, the required
 * scopes otherwise), and its 401/403 responses.
 *
 * @example
 * ```ts
 * const ext: Extension = { name: 'auth', openapi: (doc, app) => addAuthToOpenApi(doc, app) }
 * ```
 */
export function addAuthToOpenApi(doc: Json, app: App): void {
  const s = app.settings
  const kinds = kindsOf(app.security)
  if (s.auth_mode === 'none' && !kinds) return
  const { plain, oauth } = schemeNames(app)
  const components = (doc.components ??= {})
  const extra = kindSchemes(kinds, sessionCookieScope(s).name)
  components.securitySchemes = { ...components.securitySchemes, ...(s.auth_mode === 'none' ? {} : schemes(app, oauth)), ...extra }
  components.responses = { ...components.responses, Error401: response401(), Error403: response403() }
  for (const action of app.registry.list()) secureOperations(doc, action, plain, oauth)
  if (oauth === 'devToken') doc.paths['/auth/token'] = tokenPath()
  if (kinds?.sessions) Object.assign(doc.paths, sessionPaths(sessionCookieScope(s).name))
}

/** The schemes a credential can come through: `plain` ones (no scopes in the document) and the OAuth2 one, if any. */
function schemeNames(app: App): { plain: string[]; oauth: string | undefined } {
  const s = app.settings
  const plain = [...(s.auth_mode === 'none' ? [] : ['bearer']), ...Object.keys(kindSchemes(kindsOf(app.security), ''))]
  return { plain, oauth: s.auth_mode === 'oidc' ? 'oidc' : debugIssuerOf(app.security) ? 'devToken' : undefined }
}

/**
 * What an operator-only operation (`/_sys/requests`, `/_sys/config`
 * outside dev mode, `/_sys/mounts`) declares: every configured scheme, the
 * OAuth2 one asking for `serval:admin`, and its 401/403 answers. Under
 * `auth_mode=none` with no other credential kind nothing can carry the
 * scope: no requirement is declared, and the operation answers 401.
 *
 * @example
 * ```ts
 * doc.paths['/_sys/config'] = { get: { operationId: '_sysConfig', ...adminAccess(app), responses: { ...adminAccess(app).responses, '200': ok } } }
 * ```
 */
export function adminAccess(app: App): { security?: Json[]; responses: Json } {
  const { plain, oauth } = schemeNames(app)
  const security = [...plain.map((name) => ({ [name]: [] })), ...(oauth ? [{ [oauth]: [ADMIN_SCOPE] }] : [])]
  const responses = {
    '401': problemResponse(`No credentials, or bad ones: this needs the ${ADMIN_SCOPE} scope (\`WWW-Authenticate: Bearer\`)`),
    '403': problemResponse(`The caller lacks the ${ADMIN_SCOPE} scope`),
  }
  return security.length ? { security, responses } : { responses }
}

/** The schemes of the credential kinds configured besides tokens. */
function kindSchemes(kinds: CredentialKinds | undefined, cookie: string): Json {
  const out: Json = {}
  if (kinds?.apiKeys) out.apiKey = { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key whose SHA-256 is in api_keys_file' }
  if (kinds?.basic) out.basic = { type: 'http', scheme: 'basic', description: 'A user of basic_users_file' }
  if (kinds?.sessions) out.session = { type: 'apiKey', in: 'cookie', name: cookie, description: 'Set by POST /auth/login; state-changing requests must come from this site' }
  return out
}

function schemes(app: App, oauth: string | undefined): Json {
  const s = app.settings
  const out: Json = { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
  if (oauth === 'oidc') out.oidc = { type: 'openIdConnect', openIdConnectUrl: discoveryUrl(s.oidc_url!) }
  if (oauth === 'devToken') {
    out.devToken = { type: 'oauth2', description: 'Dev mode: any username, the debug password printed at startup', flows: { password: { tokenUrl: '/auth/token', scopes: allScopes(app) } } }
  }
  return out
}

/** `oauth2_scopes` plus every scope an action requires, each described. */
function allScopes(app: App): Record<string, string> {
  const scopes: Record<string, string> = {}
  for (const scope of app.settings.oauth2_scopes) scopes[scope] = scope
  if (app.settings.admin_api) scopes[ADMIN_SCOPE] ??= 'Operators: /_sys/mounts'
  for (const action of app.registry.list()) for (const scope of accessRule(action.def).scopes) scopes[scope] ??= `Required by ${action.name}`
  return scopes
}

/** Action operations, and the job submissions of the same action when the jobs capability added them. */
function secureOperations(doc: Json, action: CompiledAction, plain: readonly string[], oauth: string | undefined): void {
  const rule = accessRule(action.def)
  const requirement = rule.public ? [] : [...plain.map((name) => ({ [name]: [] })), ...(oauth ? [{ [oauth]: [...rule.scopes] }] : [])]
  for (const path of [`/actions/${action.path}`, `/jobs/${action.path}`]) {
    for (const op of Object.values((doc.paths?.[path] ?? {}) as Json)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue
      op.security = requirement
      op.responses['401'] = { $ref: '#/components/responses/Error401' }
      if (!rule.public) op.responses['403'] = { $ref: '#/components/responses/Error403' }
    }
  }
}

function response401(): Json {
  return problemResponse('No token, or a bad one (expired, forged, wrong issuer or audience); `WWW-Authenticate: Bearer` says why')
}

function response403(): Json {
  return problemResponse('The token is fine but lacks a required scope or group, or the access rule denied this input')
}

function tokenPath(): Json {
  const form = {
    type: 'object',
    required: ['grant_type', 'username', 'password'],
    properties: {
      grant_type: { const: 'password' },
      username: { type: 'string' },
      password: { type: 'string' },
      scope: { type: 'string', description: 'Space-separated scopes' },
      groups: { type: 'string', description: 'Space-separated groups (dev convenience)' },
    },
  }
  const token = {
    type: 'object',
    properties: { access_token: { type: 'string' }, token_type: { const: 'bearer' }, expires_in: { type: 'integer' }, scope: { type: 'string' } },
  }
  return {
    post: {
      operationId: '_authToken',
      tags: ['system'],
      summary: 'Dev mode only: OAuth2 password grant issuing HS256 tokens',
      security: [],
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: form } } },
      responses: { '200': { description: 'A token', content: { 'application/json': { schema: token } } }, '400': problemResponse('Bad grant'), '429': tooManyGuesses() },
    },
  }
}

/** `POST /auth/login` and `/auth/logout` (form or JSON). */
function sessionPaths(cookieName: string): Json {
  const login = { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' }, next: { type: 'string', description: 'A same-site path to go to after a form login' } } }
  const body = { required: true, content: { 'application/json': { schema: login }, 'application/x-www-form-urlencoded': { schema: login } } }
  const cookie = { 'Set-Cookie': { description: `${cookieName}=…; HttpOnly; SameSite=Lax`, schema: { type: 'string' } } }
  const loggedIn = { type: 'object', properties: { sub: { type: 'string' }, expiresIn: { type: 'integer' }, next: { type: 'string' } } }
  return {
    '/auth/login': {
      post: {
        operationId: '_authLogin', tags: ['system'], summary: 'Log in a user of basic_users_file: sets the session cookie', security: [], requestBody: body,
        responses: {
          '200': { description: 'Logged in (JSON)', headers: cookie, content: { 'application/json': { schema: loggedIn } } },
          '303': { description: 'Logged in (form): to `next`; or, failed, back to the login page with `error`', headers: cookie },
          '401': problemResponse('Wrong username or password (JSON)'), '403': problemResponse('Posted from another site'), '429': tooManyGuesses(),
        },
      },
    },
    '/auth/logout': {
      post: { operationId: '_authLogout', tags: ['system'], summary: 'End the session: the cookie stops working', security: [], responses: { '204': { description: 'Logged out', headers: cookie }, '303': { description: 'Logged out (form): to the login page' }, '403': problemResponse('Posted from another site') } },
    },
  }
}

function tooManyGuesses(): Json {
  const headers = { 'Retry-After': { description: 'Seconds until this client may try again', schema: { type: 'integer' } } }
  return problemResponse('Too many wrong passwords in a row from this client', headers)
}
