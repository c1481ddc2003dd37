import { scryptSync, createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../testing/index.ts'
import { actions, SECRET } from '../../test/security/support.ts'

const salt = Buffer.from('0123456789abcdef')
const HASH = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('lovelace', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`

let dir: string
let servers: TestServer[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-auth-openapi-'))
  writeFileSync(join(dir, 'users.json'), JSON.stringify([{ username: 'ada', password_hash: HASH, scopes: [] }]))
  writeFileSync(join(dir, 'keys.json'), JSON.stringify([{ key_sha256: createHash('sha256').update('sk_x').digest('hex'), sub: 'x' }]))
})
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  rmSync(dir, { recursive: true, force: true })
})

// Started inside each test: Stryker's per-test coverage only sees code that runs in a test.
async function openapi(settings: Record<string, unknown>): Promise<Record<string, any>> {
  const t = await createTestServer({ actions }, { data_dir: join(dir, 'data'), ...settings })
  servers.push(t)
  return (await t.fetch('/openapi.json')).json()
}
const ops = (doc: Record<string, any>) =>
  Object.fromEntries(Object.entries(doc.paths as Record<string, Record<string, any>>).filter(([p]) => p.startsWith('/actions/')).map(([p, item]) => [p, Object.fromEntries(Object.entries(item).map(([m, op]) => [m, { security: op.security, '401': op.responses['401']?.$ref, '403': op.responses['403']?.$ref }]))]))

describe('auth in the OpenAPI document', () => {
  it('auth_mode=none without credential kinds adds nothing', async () => {
    const doc = await openapi({})
    expect(doc.components?.securitySchemes).toBeUndefined()
    expect(doc.paths['/auth/login']).toBeUndefined()
    expect(doc.paths['/actions/whoami'].get.security).toBeUndefined()
  })

  it('dev mode with every credential kind: the schemes, each operation\'s requirement, the token and login paths', async () => {
    const doc = await openapi({ auth_mode: 'jwt', jwt_secret: SECRET, dev_mode: true, debug_password: 'pw', oauth2_scopes: ['notes:read', 'extra'], admin_api: true, api_keys_file: join(dir, 'keys.json'), basic_users_file: join(dir, 'users.json'), session_secret: 'session-secret-that-is-at-least-32-chars' })
    expect(doc.components.securitySchemes).toMatchInlineSnapshot(`
      {
        "apiKey": {
          "description": "A key whose SHA-256 is in api_keys_file",
          "in": "header",
          "name": "X-API-Key",
          "type": "apiKey",
        },
        "basic": {
          "description": "A user of basic_users_file",
          "scheme": "basic",
          "type": "http",
        },
        "bearer": {
          "bearerFormat": "JWT",
          "scheme": "bearer",
          "type": "http",
        },
        "devToken": {
          "description": "Dev mode: any username, the debug password printed at startup",
          "flows": {
            "password": {
              "scopes": {
                "extra": "extra",
                "notes:read": "notes:read",
                "notes:write": "Required by writeNote",
                "serval:admin": "Operators: /_sys/mounts",
              },
              "tokenUrl": "/auth/token",
            },
          },
          "type": "oauth2",
        },
        "session": {
          "description": "Set by POST /auth/login; state-changing requests must come from this site",
          "in": "cookie",
          "name": "serval_session",
          "type": "apiKey",
        },
      }
    `)
    expect({ Error401: doc.components.responses.Error401, Error403: doc.components.responses.Error403 }).toMatchInlineSnapshot(`
      {
        "Error401": {
          "content": {
            "application/problem+json": {
              "schema": {
                "$ref": "#/components/schemas/Problem",
              },
            },
          },
          "description": "No token, or a bad one (expired, forged, wrong issuer or audience); \`WWW-Authenticate: Bearer\` says why",
        },
        "Error403": {
          "content": {
            "application/problem+json": {
              "schema": {
                "$ref": "#/components/schemas/Problem",
              },
            },
          },
          "description": "The token is fine but lacks a required scope or group, or the access rule denied this input",
        },
      }
    `)
    expect(ops(doc)).toMatchInlineSnapshot(`
      {
        "/actions/own-note": {
          "post": {
            "401": "#/components/responses/Error401",
            "403": "#/components/responses/Error403",
            "security": [
              {
                "bearer": [],
              },
              {
                "apiKey": [],
              },
              {
                "basic": [],
              },
              {
                "session": [],
              },
              {
                "devToken": [],
              },
            ],
          },
        },
        "/actions/ping": {
          "get": {
            "401": "#/components/responses/Error401",
            "403": undefined,
            "security": [],
          },
          "post": {
            "401": "#/components/responses/Error401",
            "403": undefined,
            "security": [],
          },
        },
        "/actions/whoami": {
          "get": {
            "401": "#/components/responses/Error401",
            "403": "#/components/responses/Error403",
            "security": [
              {
                "bearer": [],
              },
              {
                "apiKey": [],
              },
              {
                "basic": [],
              },
              {
                "session": [],
              },
              {
                "devToken": [],
              },
            ],
          },
        },
        "/actions/write-note": {
          "post": {
            "401": "#/components/responses/Error401",
            "403": "#/components/responses/Error403",
            "security": [
              {
                "bearer": [],
              },
              {
                "apiKey": [],
              },
              {
                "basic": [],
              },
              {
                "session": [],
              },
              {
                "devToken": [
                  "notes:write",
                  "notes:read",
                ],
              },
            ],
          },
        },
      }
    `)
    expect(doc.paths['/auth/token']).toMatchInlineSnapshot(`
      {
        "post": {
          "operationId": "_authToken",
          "requestBody": {
            "content": {
              "application/x-www-form-urlencoded": {
                "schema": {
                  "properties": {
                    "grant_type": {
                      "const": "password",
                    },
                    "groups": {
                      "description": "Space-separated groups (dev convenience)",
                      "type": "string",
                    },
                    "password": {
                      "type": "string",
                    },
                    "scope": {
                      "description": "Space-separated scopes",
                      "type": "string",
                    },
                    "username": {
                      "type": "string",
                    },
                  },
                  "required": [
                    "grant_type",
                    "username",
                    "password",
                  ],
                  "type": "object",
                },
              },
            },
            "required": true,
          },
          "responses": {
            "200": {
              "content": {
                "application/json": {
                  "schema": {
                    "properties": {
                      "access_token": {
                        "type": "string",
                      },
                      "expires_in": {
                        "type": "integer",
                      },
                      "scope": {
                        "type": "string",
                      },
                      "token_type": {
                        "const": "bearer",
                      },
                    },
                    "type": "object",
                  },
                },
              },
              "description": "A token",
            },
            "400": {
              "content": {
                "application/problem+json": {
                  "schema": {
                    "$ref": "#/components/schemas/Problem",
                  },
                },
              },
              "description": "Bad grant",
            },
            "429": {
              "content": {
                "application/problem+json": {
                  "schema": {
                    "$ref": "#/components/schemas/Problem",
                  },
                },
              },
              "description": "Too many wrong passwords in a row from this client",
              "headers": {
                "Retry-After": {
                  "description": "Seconds until this client may try again",
                  "schema": {
                    "type": "integer",
                  },
                },
              },
            },
          },
          "security": [],
          "summary": "Dev mode only: OAuth2 password grant issuing HS256 tokens",
          "tags": [
            "system",
          ],
        },
      }
    `)
    expect({ login: doc.paths['/auth/login'], logout: doc.paths['/auth/logout'] }).toMatchInlineSnapshot(`
      {
        "login": {
          "post": {
            "operationId": "_authLogin",
            "requestBody": {
              "content": {
                "application/json": {
                  "schema": {
                    "properties": {
                      "next": {
                        "description": "A same-site path to go to after a form login",
                        "type": "string",
                      },
                      "password": {
                        "type": "string",
                      },
                      "username": {
                        "type": "string",
                      },
                    },
                    "required": [
                      "username",
                      "password",
                    ],
                    "type": "object",
                  },
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "properties": {
                      "next": {
                        "description": "A same-site path to go to after a form login",
                        "type": "string",
                      },
                      "password": {
                        "type": "string",
                      },
                      "username": {
                        "type": "string",
                      },
                    },
                    "required": [
                      "username",
                      "password",
                    ],
                    "type": "object",
                  },
                },
              },
              "required": true,
            },
            "responses": {
              "200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "properties": {
                        "expiresIn": {
                          "type": "integer",
                        },
                        "next": {
                          "type": "string",
                        },
                        "sub": {
                          "type": "string",
                        },
                      },
                      "type": "object",
                    },
                  },
                },
                "description": "Logged in (JSON)",
                "headers": {
                  "Set-Cookie": {
                    "description": "serval_session=…; HttpOnly; SameSite=Lax",
                    "schema": {
                      "type": "string",
                    },
                  },
                },
              },
              "303": {
                "description": "Logged in (form): to \`next\`; or, failed, back to the login page with \`error\`",
                "headers": {
                  "Set-Cookie": {
                    "description": "serval_session=…; HttpOnly; SameSite=Lax",
                    "schema": {
                      "type": "string",
                    },
                  },
                },
              },
              "401": {
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem",
                    },
                  },
                },
                "description": "Wrong username or password (JSON)",
              },
              "403": {
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem",
                    },
                  },
                },
                "description": "Posted from another site",
              },
              "429": {
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem",
                    },
                  },
                },
                "description": "Too many wrong passwords in a row from this client",
                "headers": {
                  "Retry-After": {
                    "description": "Seconds until this client may try again",
                    "schema": {
                      "type": "integer",
                    },
                  },
                },
              },
            },
            "security": [],
            "summary": "Log in a user of basic_users_file: sets the session cookie",
            "tags": [
              "system",
            ],
          },
        },
        "logout": {
          "post": {
            "operationId": "_authLogout",
            "responses": {
              "204": {
                "description": "Logged out",
                "headers": {
                  "Set-Cookie": {
                    "description": "serval_session=…; HttpOnly; SameSite=Lax",
                    "schema": {
                      "type": "string",
                    },
                  },
                },
              },
              "303": {
                "description": "Logged out (form): to the login page",
              },
              "403": {
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem",
                    },
                  },
                },
                "description": "Posted from another site",
              },
            },
            "security": [],
            "summary": "End the session: the cookie stops working",
            "tags": [
              "system",
            ],
          },
        },
      }
    `)
  })

  it('jwt outside dev mode: bearer only, no token path; under auth_mode=none the kinds alone', async () => {
    const jwt = await openapi({ auth_mode: 'jwt', jwt_secret: SECRET })
    expect(jwt.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } })
    expect(jwt.paths['/auth/token']).toBeUndefined()
    expect(jwt.paths['/actions/write-note'].post.security).toEqual([{ bearer: [] }])
    const none = await openapi({ api_keys_file: join(dir, 'keys.json') })
    expect(Object.keys(none.components.securitySchemes)).toEqual(['apiKey'])
    expect(none.paths['/actions/write-note'].post.security).toEqual([{ apiKey: [] }])
    expect(none.paths['/actions/ping'].get.security).toEqual([])
  })

  it('under OIDC: an openIdConnect scheme at the issuer\'s discovery document, asking for the scopes', async () => {
    const doc = await openapi({ auth_mode: 'oidc', oidc_url: 'https://issuer.example/realms/x', oidc_audience: 'api' })
    expect(doc.components.securitySchemes.oidc).toEqual({ type: 'openIdConnect', openIdConnectUrl: 'https://issuer.example/realms/x/.well-known/openid-configuration' })
    expect(doc.paths['/actions/write-note'].post.security).toEqual([{ bearer: [] }, { oidc: ['notes:write', 'notes:read'] }])
  })
})
