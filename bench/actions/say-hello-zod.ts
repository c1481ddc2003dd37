import { action } from 'serval'
import { z } from 'zod'

/**
 * The say-hello workload with the input schema of examples/hello.ts (zod):
 * users write zod, so this is the path they get.
 */
export const sayHelloZod = action(
  {
    input: z.object({ name: z.string().max(100) }),
    output: z.object({ message: z.string() }),
  },
  ({ name }) => ({ message: `Hello ${name}!` }),
)
