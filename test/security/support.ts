import { SignJWT, type JWTPayload } from 'jose'
import { z } from 'zod'
import { action, type ActionSource } from 'serval'

export const SECRET = 'test-secret-that-is-at-least-32-characters-long'

/** Signs an HS256 token; `exp` in seconds from now (negative: expired). */
export function hs256(claims: JWTPayload, options: { secret?: string; expS?: number } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expS ?? 300))
    .sign(new TextEncoder().encode(options.secret ?? SECRET))
}

/** An unsigned `alg: none` token with the given claims. */
export function unsigned(claims: JWTPayload): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp: Math.floor(Date.now() / 1000) + 300, ...claims })}.`
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const who = z.object({ sub: z.string(), scopes: z.array(z.string()), groups: z.array(z.string()), groupId: z.string().optional(), certificate: z.object({ subject: z.record(z.string(), z.string()) }).optional() })

/** One action per kind of access rule, each answering who called it. */
export const actions: ActionSource[] = [
  { exportName: 'ping', action: action({ access: 'public', http: ['GET', 'POST'], output: z.object({ sub: z.string().nullable() }) }, (_in, ctx) => ({ sub: ctx.auth?.sub ?? null })) },
  { exportName: 'whoami', action: action({ http: 'GET', output: who }, (_in, ctx) => { const p = ctx.auth!; return { ...p, scopes: [...p.scopes], groups: [...p.groups] } }) },
  { exportName: 'writeNote', action: action({ access: { scopes: ['notes:write', 'notes:read'] }, input: z.object({ text: z.string() }), output: z.string() }, ({ text }) => text) },
  {
    exportName: 'ownNote',
    action: action(
      { access: (principal, input) => input.owner === principal.sub, input: z.object({ owner: z.string() }), output: z.string() },
      ({ owner }) => `note of ${owner}`,
    ),
  },
]
