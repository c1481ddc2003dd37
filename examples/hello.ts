// The tour starts here: one typed function, served as GET /actions/say-hello.
import { action } from 'serval'
import { z } from 'zod'

export const sayHello = action(
  {
    description: 'Greet a user',
    input: z.object({ name: z.string().max(100) }),
    output: z.string(),
    http: 'GET',
    examples: [{ name: 'greet_developer', input: { name: 'Developer' }, output: 'Hello Developer!' }],
  },
  async ({ name }) => `Hello ${name}!`,
)
