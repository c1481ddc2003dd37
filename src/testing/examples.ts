import { isDeepStrictEqual } from 'node:util'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { ActionExample } from '../action/types.ts'
import { toProblem } from '../errors/index.ts'

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
  const actual = normalise(action, output)
  const expected = normalise(action, example.output)
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${action.name} › ${example.name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** Compares what a client would receive: the serialised output, parsed back. */
function normalise(action: CompiledAction, value: unknown): unknown {
  if (Array.isArray(value) && action.streaming) return value.map((v) => normalise({ ...action, streaming: false }, v))
  const text = action.output ? action.output.serialize(value) : JSON.stringify(value)
  return text === undefined ? undefined : JSON.parse(text)
}
