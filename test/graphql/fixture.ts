import { z } from 'zod'
import { action, ActionError, type ActionSource } from 'serval'

const point = { type: 'object', title: 'point', required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' } } } as const

/** One action per JSON Schema → GraphQL mapping of SPEC §9, plus failures and access rules. */
export const actions: ActionSource[] = [
  {
    exportName: 'describeThing',
    action: action(
      {
        http: 'GET',
        description: 'Every scalar, an enum, a list, a nested object and a JSON value',
        input: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            count: { type: 'integer', default: 2 },
            ratio: { type: 'number' },
            loud: { type: 'boolean' },
            color: { type: 'string', enum: ['red', 'green'] },
            tags: { type: 'array', items: { type: 'string' } },
          },
          additionalProperties: false,
        },
        output: {
          type: 'object',
          required: ['name', 'count'],
          properties: {
            name: { type: 'string' },
            count: { type: 'integer' },
            ratio: { type: ['number', 'null'] },
            color: { type: 'string', enum: ['red', 'green'] },
            tags: { type: 'array', items: { type: 'string' } },
            where: point,
            meta: { type: 'object', properties: { source: { type: 'string' } } },
            extra: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
          },
        },
      },
      (input) => ({ name: input.name, count: input.count ?? 2, ratio: input.ratio ?? null, color: input.color, tags: input.tags ?? [], where: { x: 1, y: 2 }, meta: { source: 'fixture' }, extra: 7 }),
    ),
  },
  { exportName: 'origin', action: action({ http: 'GET', output: point }, () => ({ x: 0, y: 0 })) },
  {
    exportName: 'movePoint',
    action: action({ http: 'POST', input: z.object({ to: z.object({ x: z.number(), y: z.number() }) }), output: point }, ({ to }) => to),
  },
  { exportName: 'fail', action: action({ http: 'GET', output: z.string() }, () => { throw new Error('secret /etc/passwd') }) },
  { exportName: 'refuse', action: action({ http: 'GET', output: z.string() }, () => { throw new ActionError(409, 'Not today') }) },
  { exportName: 'badOutput', action: action({ http: 'GET', output: z.object({ n: z.number() }) }, () => ({ n: 'x' }) as never) },
  { exportName: 'hello', action: action({ http: 'GET', access: 'public', input: z.object({ name: z.string().min(1) }), output: z.string() }, ({ name }) => `Hello ${name}`) },
  { exportName: 'whoami', action: action({ http: 'GET', output: z.string() }, (_in, ctx) => ctx.auth?.sub ?? 'nobody') },
  { exportName: 'admin', action: action({ http: 'GET', access: { scopes: ['admin'] }, output: z.string() }, () => 'secret') },
]
