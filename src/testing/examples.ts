import { isDeepStrictEqual } from 'node:util'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { ActionExample } from '../action/types.ts'
import { toProblem } from '../errors/index.ts'
import { isRedirect } from '../action/redirect.ts'

/** One example of one action, runnable as a test. */
export interface ExampleCase {
  readonly action: string
  readonly example: string
  /** `action › example`, for test titles. */
  readonly title: string
  /** Runs the example through the full pipeline; rejects with a readable message when it fails. */
  run(): Promise<void>
}

/**
 * Every runnable example of an app (those without `test: false`).
 *
 * @example
 * ```ts
 * for (const c of exampleCases(app)) await c.run()
 * ```
 */
export function exampleCases(app: App): ExampleCase[] {
  return app.registry.list().flatMap((action) =>
    (action.def.examples ?? [])
      .filter((e) => e.test !== false)
      .map((example) => ({
        action: action.name,
        example: example.name,
        title: `${action.name} › ${example.name}`,
        run: () => runExample(app, action, example),
      })),
  )
}

async function runExample(app: App, action: CompiledAction, example: ActionExample): Promise<void> {
  let output: unknown
  try {
    output = await app.invoke(action, example.input, { requestId: `example-${action.name}-${example.name}`, trigger: 'test', principal: null })
    if (output !== null && typeof output === 'object' && Symbol.asyncIterator in output) {
      const items: unknown[] = []
      for await (const item of output as AsyncIterable<unknown>) items.push(item)
      output = items
    }
  } catch (error) {
    const p = toProblem(error, { devMode: true })
    throw new Error(`${action.name} › ${example.name}: failed with ${p.status} ${p.title}${p.detail ? `: ${p.detail}` : ''}`)
  }
  if (example.output === undefined) return
  const actual = received(action, output)
  // The example as written (through plain JSON only, which drops `undefined`
  // members): sending it through the action's serialiser too would hide a
  // serialiser bug, or a field it drops, on both sides.
  const expected: unknown = JSON.parse(JSON.stringify(example.output) ?? 'null')
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${action.name} › ${example.name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** What a client would receive: the output (each item of a stream) serialised, parsed back. */
function received(action: CompiledAction, value: unknown): unknown {
  if (Array.isArray(value) && action.streaming) return value.map((v) => received({ ...action, streaming: false }, v))
  // A redirect goes out as { location, status } whatever the output schema (see docs/web.md).
  const text = action.output && !isRedirect(value) ? action.output.serialize(value) : JSON.stringify(value)
  return text === undefined ? undefined : JSON.parse(text)
}
