// Auth: who may call what. `npm start` serves these with auth_mode=none, where
// the rules below are NOT enforced (startup warns); see them enforced with
//   serval dev examples --auth-mode jwt     (then "Authorize" in /docs)
import { action, ActionError } from 'serval'
import { z } from 'zod'

const notes = new Map([
  ['n1', { id: 'n1', owner: 'ada', text: 'Buy milk' }],
  ['n2', { id: 'n2', owner: 'bob', text: 'Call Ada' }],
])
const note = z.object({ id: z.string(), owner: z.string(), text: z.string() })

/** Public: anyone may call it, with or without a token (a token that is sent is still checked). */
export const serverStatus = action(
  {
    description: 'Public: no token needed',
    access: 'public',
    http: 'GET',
    output: z.object({ ok: z.boolean(), caller: z.string().nullable() }),
    examples: [{ name: 'anonymous', input: {}, output: { ok: true, caller: null } }],
  },
  (_input, ctx) => ({ ok: true, caller: ctx.auth?.sub ?? null }),
)

/** No `access`: any valid token (with auth on, actions are protected unless they say otherwise). */
export const whoAmI = action(
  {
    description: 'Any valid token: answers who the token says you are',
    http: 'GET',
    output: z.object({ sub: z.string(), scopes: z.array(z.string()), groups: z.array(z.string()), groupId: z.string().nullable() }),
    examples: [{ name: 'shape_only', input: {}, test: false }],
  },
  (_input, ctx) => {
    if (!ctx.auth) throw new ActionError(401, 'No principal: call this with auth_mode=jwt or oidc')
    const { sub, scopes, groups, groupId } = ctx.auth
    return { sub, scopes: [...scopes], groups: [...groups], groupId: groupId ?? null }
  },
)

/** Scoped: the token must carry every listed scope, else 403. */
export const listNotes = action(
  {
    description: 'Requires scope notes:read',
    access: { scopes: ['notes:read'] },
    http: 'GET',
    output: z.array(note),
    examples: [{ name: 'all_notes', input: {}, output: [...notes.values()] }],
  },
  () => [...notes.values()],
)

/** Predicate: decided per call, with the principal and the validated input. */
export const deleteNote = action(
  {
    description: "Only a note's owner, or a holder of notes:admin, may delete it",
    access: (principal, { id }) => notes.get(id)?.owner === principal.sub || principal.scopes.includes('notes:admin'),
    input: z.object({ id: z.string() }),
    output: z.object({ deleted: z.string() }),
    // Not run as a test: it would really delete the note the other examples read.
    examples: [{ name: 'delete_own', input: { id: 'n1' }, output: { deleted: 'n1' }, test: false }],
  },
  ({ id }) => {
    if (!notes.delete(id)) throw new ActionError(404, `No note "${id}"`)
    return { deleted: id }
  },
)
