// Plain JSON Schema (`as const` is optional: the definition infers literal types).
import { action } from 'serval'

export const createNote = action(
  {
    description: 'Create a note; the server stamps it. Extra fields in the output are never sent.',
    input: {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
      },
      required: ['title'],
      additionalProperties: false,
    },
    output: {
      type: 'object',
      properties: { title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, createdAt: { type: 'string' } },
      required: ['title', 'tags', 'createdAt'],
    },
    examples: [{ name: 'untagged', input: { title: 'Buy milk' }, test: false }],
  },
  ({ title, tags }) => ({ title, tags: tags ?? [], createdAt: new Date().toISOString(), internalId: 42 }),
)

export const ping = action({ description: 'Returns nothing: 204', http: 'POST' }, () => undefined)
