// What each per-request feature of Serval's HTTP path costs, in ns per call:
//   node --import tsx bench/features.ts
// Calls the compiled (dist/) functions directly, in alternating batches, and
// reports the fastest batch of each (the least disturbed by other work on
// the machine). Run `npm run build` first.
import { Type } from '@sinclair/typebox'
import { z } from 'zod'
import { ROOT } from './lib/procs.ts'
import { summarizeInput } from './lib/workloads.ts'

const dist = (p: string) => import(`${ROOT}/dist/${p}`)
const { requestIdGenerator } = (await dist('http/request-id.js')) as typeof import('../src/http/request-id.ts')
const { parseJsonBody } = (await dist('http/json-body.js')) as typeof import('../src/http/json-body.ts')
const { compileInput, compileOutput } = (await dist('schema/compile.js')) as typeof import('../src/schema/compile.ts')
const { compileQueryCoercer } = (await dist('schema/coerce.js')) as typeof import('../src/schema/coerce.ts')
const { openSecurity } = (await dist('core/security.js')) as typeof import('../src/core/security.ts')

const helloIn = Type.Object({ name: Type.String({ maxLength: 100 }) }, { additionalProperties: false })
const helloOut = Type.Object({ message: Type.String() })
const addIn = Type.Object({ a: Type.Number(), b: Type.Number() }, { additionalProperties: false })
const input = await compileInput(helloIn)
const zodInput = await compileInput(z.object({ name: z.string().max(100) }))
const output = await compileOutput(helloOut)
const coerce = compileQueryCoercer((await compileInput(addIn)).jsonSchema)
const nextId = requestIdGenerator()
const small = Buffer.from('{"name":"World"}')
const big = Buffer.from(JSON.stringify(summarizeInput()))
const hello = { message: 'Hello World!' }
let sink: unknown

const features: Array<[string, () => unknown]> = [
  ['request id (prefix + counter)', () => nextId()],
  ['request id (randomUUID, before)', () => crypto.randomUUID()],
  ['JSON body {"name":"World"}: parse + depth/proto/finite walk', () => parseJsonBody(small, 64)],
  ['JSON body 10 KB (summarize): parse + walk', () => parseJsonBody(big, 64)],
  ['JSON.parse alone, 10 KB', () => JSON.parse(big.toString())],
  ['query coercion a=1&b=2', () => coerce({ a: '1', b: '2' })],
  ['input validation, Ajv (TypeBox)', () => input.validate({ name: 'World' })],
  ['input validation, zod', () => zodInput.validate({ name: 'World' })],
  ['output validation, Ajv', () => output.validate(hello)],
  ['output serialisation (fast-json-stringify)', () => output.serialize(hello)],
  ['security step (open: authenticate)', () => openSecurity.authenticate(undefined as never, undefined)],
]

function batch(f: () => unknown, n: number): number {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) sink = f()
  return Number(process.hrtime.bigint() - t0) / n
}

const best = new Map<string, number>()
for (let round = 0; round < 25; round++) {
  for (const [name, f] of features) {
    const n = name.includes('10 KB') ? 500 : 20000
    const ns = batch(f, n)
    if (round > 2) best.set(name, Math.min(best.get(name) ?? Infinity, ns))
  }
}
console.log('ns per call (fastest of 22 batches)')
for (const [name] of features) console.log(`${(best.get(name) ?? NaN).toFixed(0).padStart(8)}  ${name}`)
void sink
