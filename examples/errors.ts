// Errors: ActionError picks the status; anything else is a 500 whose detail only dev mode shows.
import { action, ActionError } from 'serval'
import { z } from 'zod'

const users = new Map([['ada', { id: 'ada', name: 'Ada Lovelace' }]])

export const getUser = action(
  {
    description: 'Find a user by id; unknown ids are a 404 problem',
    http: 'GET',
    input: z.object({ id: z.string().min(1) }),
    output: z.object({ id: z.string(), name: z.string() }),
    examples: [{ name: 'ada', input: { id: 'ada' }, output: { id: 'ada', name: 'Ada Lovelace' } }],
  },
  ({ id }) => {
    const user = users.get(id)
    if (!user) throw new ActionError(404, `No user "${id}"`, { id })
    return user
  },
)

export const divide = action(
  {
    description: 'Divide a by b; b = 0 is a 422 with a reason',
    input: z.object({ a: z.number(), b: z.number() }),
    output: z.number(),
    examples: [{ name: 'half', input: { a: 1, b: 2 }, output: 0.5 }],
  },
  ({ a, b }) => {
    if (b === 0) throw new ActionError(422, 'Cannot divide by zero', { field: 'b' })
    return a / b
  },
)

export const crash = action(
  { description: 'Always fails: shows that internal errors are hidden outside dev mode', http: 'GET' },
  () => {
    throw new Error('database password is hunter2')
  },
)
