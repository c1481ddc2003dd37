import { action } from 'serval'
import { Type } from '@sinclair/typebox'

/** Workloads 2 and 4: a small JSON body, valid (200) and invalid (422). */
export const sayHello = action(
  {
    input: Type.Object({ name: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
    output: Type.Object({ message: Type.String() }),
  },
  ({ name }) => ({ message: `Hello ${name}!` }),
)
