// Web pages: the same actions as HTML, no JavaScript needed (see docs/web.md).
//   npm start, then open http://localhost:8000/guestbook
// GET /guestbook renders templates/guestbook.njk with the entries; its form
// POSTs to /guestbook, which signs and redirects back (post/redirect/get).
// Both actions stay callable as JSON at /actions/guestbook and /actions/sign-guestbook.
import { action, ActionError, redirect } from 'serval'
import { z } from 'zod'

interface Entry {
  readonly name: string
  readonly message: string
  readonly at: string
}

const MAX_ENTRIES = 50
const entries: Entry[] = [{ name: 'Ada', message: 'First!', at: '2026-01-01T00:00:00.000Z' }]

/** The guestbook page: the newest entries first, and a form to sign it. */
export const guestbook = action(
  {
    description: 'The guestbook, newest first',
    http: 'GET',
    page: { path: '/guestbook' },
    input: z.object({ limit: z.number().int().min(1).max(MAX_ENTRIES).default(20) }),
    output: z.object({ entries: z.array(z.object({ name: z.string(), message: z.string(), at: z.string() })), total: z.number() }),
    examples: [{ name: 'first_entry', input: { limit: 1 }, output: { entries: [entries[0]!], total: 1 } }],
  },
  ({ limit }) => ({ entries: entries.slice(-limit).reverse(), total: entries.length }),
)

/** The form's target: adds an entry, then sends the browser back to the page with a GET (303). */
export const signGuestbook = action(
  {
    description: 'Sign the guestbook',
    http: 'POST',
    page: { path: '/guestbook', template: 'guestbook.njk' },
    input: z.object({ name: z.string().trim().min(1).max(40), message: z.string().trim().min(1).max(280) }),
    // Not run as a test: it would add an entry the guestbook example reads.
    examples: [{ name: 'sign', input: { name: 'Grace', message: 'Hello!' }, output: { location: '/guestbook', status: 303 }, test: false }],
  },
  ({ name, message }) => {
    entries.push({ name, message, at: new Date().toISOString() })
    if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES)
    return redirect('/guestbook', 303)
  },
)

/** A greeting page: `/greet?name=Ada`; the name is autoescaped in the template. */
export const greet = action(
  {
    description: 'Greets by name',
    http: 'GET',
    page: {},
    input: z.object({ name: z.string().max(100).default('world') }),
    output: z.object({ greeting: z.string() }),
    examples: [{ name: 'ada', input: { name: 'Ada' }, output: { greeting: 'Hello, Ada!' } }],
  },
  ({ name }) => {
    if (name.toLowerCase() === 'nobody') throw new ActionError(404, 'Nobody is not here')
    return { greeting: `Hello, ${name}!` }
  },
)

/**
 * A members-only page: any signed-in principal. `npm start` runs with
 * auth_mode=none, where access rules are not enforced and the page says so;
 * with auth on, a browser without a principal gets the login page (the
 * sessions part) or the 401 error page.
 */
export const members = action(
  {
    description: 'Members only',
    http: 'GET',
    access: 'authenticated',
    page: { path: '/members' },
    output: z.object({ member: z.string().nullable() }),
    examples: [{ name: 'no_auth', input: {}, output: { member: null } }],
  },
  (_input, ctx) => ({ member: ctx.auth?.sub ?? null }),
)
