import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, buildRegistry, ServalError, type ActionSource, type AnyAction } from 'serval'

const noop = action({}, () => undefined)
const src = (exportName: string, a: AnyAction = noop, file?: string): ActionSource => ({ action: a, exportName, ...(file ? { file } : {}) })
const failure = (sources: ActionSource[]) => buildRegistry(sources).then(() => undefined, (e: unknown) => e as ServalError)

describe('buildRegistry', () => {
  it('names actions by export name or def.name, maps kebab paths, keeps registration order', async () => {
    const named = action({ name: 'renamed' }, () => 1)
    const registry = await buildRegistry([src('sayHello'), src('other', named), src('HTTPServerStatus')])
    expect(registry.size).toBe(3)
    expect(registry.list().map((a) => [a.name, a.path])).toEqual([
      ['sayHello', 'say-hello'],
      ['renamed', 'renamed'],
      ['HTTPServerStatus', 'http-server-status'],
    ])
    expect(registry.get('say-hello')?.name).toBe('sayHello')
    expect(registry.get('sayHello')?.path).toBe('say-hello')
    expect(registry.get('other')).toBeUndefined()
    expect(registry.get('nope')).toBeUndefined()
  })

  it.each(['1abc', 'has-dash', 'a b', '', 'dot.ted'])('refuses the action name %j with a 400 naming it and its file', async (name) => {
    const error = await failure([src(name, noop, 'actions/x.ts')])
    expect(error).toBeInstanceOf(ServalError)
    expect(error).toMatchObject({ code: 'bad-request', status: 400, title: 'Invalid action name' })
    expect(error?.detail).toBe(`Action name "${name}" (in actions/x.ts) must start with a letter or _ and hold only letters, digits and _`)
  })

  it('refuses a name without a file, saying nothing of one', async () => {
    expect((await failure([src('9lives')]))?.detail).toBe('Action name "9lives" must start with a letter or _ and hold only letters, digits and _')
  })

  it('refuses a duplicate name, naming both files and exports', async () => {
    const error = await failure([src('greet', noop, 'a.ts'), src('greet', noop, 'b.ts')])
    expect(error).toMatchObject({ code: 'conflict', status: 409, title: 'Duplicate action name' })
    expect(error?.detail).toBe('Duplicate action name "greet": defined in a.ts as greet and in b.ts as greet; rename one export, or give one a different `name` in its definition')
  })

  it('refuses two names with the same path, and says (inline) for actions without a file', async () => {
    const error = await failure([src('fooBar'), src('foo_bar')])
    expect(error?.detail).toBe('Duplicate action name "foo_bar": defined in (inline) as fooBar and in (inline) as foo_bar; rename one export, or give one a different `name` in its definition')
  })

  it('derives methods: POST by default, none for http: false, upper case without repeats', async () => {
    const registry = await buildRegistry([
      src('a'),
      src('b', action({ http: false }, () => 1)),
      src('c', action({ http: 'get' as 'GET' }, () => 1)),
      src('d', action({ http: ['GET', 'post' as 'POST', 'GET', 'DELETE'] }, () => 1)),
    ])
    expect(registry.list().map((a) => a.methods)).toEqual([['POST'], [], ['GET'], ['GET', 'POST', 'DELETE']])
  })

  it('knows a streaming action by its async generator handler', async () => {
    const registry = await buildRegistry([
      src('plain', action({}, async () => 1)),
      src('stream', action({}, async function* () {
        yield 1
      })),
    ])
    expect(registry.list().map((a) => a.streaming)).toEqual([false, true])
  })

  it('compiles schemas once: a JSON Schema that does not compile names the action, the file and the side', async () => {
    const badIn = action({ input: { type: 'nonsense' } as never }, () => 1)
    const inputError = await failure([src('broken', badIn, 'broken.ts')])
    expect(inputError).toMatchObject({ status: 400, title: 'Invalid schema' })
    expect(inputError?.detail).toMatch(/^action "broken" \(in broken\.ts\): the input schema does not compile: /)
    const badOut = action({ output: { type: 'nonsense' } as never }, () => 1)
    expect((await failure([src('out', badOut)]))?.detail).toMatch(/^action "out": the output schema does not compile: /)
  })

  it('keeps the compiled input and output schemas on the action', async () => {
    const registry = await buildRegistry([src('typed', action({ input: z.object({ a: z.number() }), output: z.object({ b: z.string() }) }, () => ({ b: '' })))])
    const typed = registry.get('typed')!
    expect(typed.input.jsonSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' } } })
    expect(typed.output?.jsonSchema).toMatchObject({ properties: { b: { type: 'string' } } })
    expect((await buildRegistry([src('untyped')])).get('untyped')!.output).toBeUndefined()
  })
})
