// Generated actions: names come from `name`, so a loop can define many.
import { action } from 'serval'
import { Type } from '@sinclair/typebox'

function generate(name: string) {
  return action(
    {
      name,
      description: `Generated action ${name}`,
      http: 'GET',
      output: Type.String(),
      examples: [{ name: 'says_its_name', input: {}, output: `action_name was ${name}` }],
    },
    () => `action_name was ${name}`,
  )
}

export const generated1 = generate('generated_1')
export const generated2 = generate('generated_2')
export const generated3 = generate('generated_3')
