import type ts from 'typescript'

/** A declaration's JSDoc: the text before the tags, and the body of each `@example` tag. */
export interface Doc {
  readonly description: string | undefined
  readonly examples: readonly string[]
}

/**
 * Reads a symbol's JSDoc as the checker sees it (an alias's own comment,
 * else the declaration's).
 *
 * @example
 * ```ts
 * docOf(propertySymbol, { ts, checker }) // { description: 'Who to greet', examples: ['"Ada"'] }
 * ```
 */
export function docOf(symbol: ts.Symbol, ctx: { readonly ts: typeof ts; readonly checker: ts.TypeChecker }): Doc {
  const text = ctx.ts.displayPartsToString(symbol.getDocumentationComment(ctx.checker)).trim()
  const examples = symbol
    .getJsDocTags(ctx.checker)
    .filter((tag) => tag.name === 'example')
    .map((tag) => ctx.ts.displayPartsToString(tag.text).trim())
    .filter((body) => body !== '')
  return { description: text === '' ? undefined : text, examples }
}

/** An action-level `@example`: an optional name on the first line, then JSON `{ "input": …, "output"?: … }`. */
export interface ParsedExample {
  readonly name: string
  readonly input: unknown
  readonly output?: unknown
  readonly description?: string
}

/**
 * Parses an action's `@example` tag. The name defaults to `example_<n>`;
 * anything but a JSON object with `input` throws, naming what is wrong.
 *
 * @example
 * ```ts
 * parseActionExample('greets_ada\n{ "input": { "name": "Ada" }, "output": "Hello Ada!" }', 0)
 * // { name: 'greets_ada', input: { name: 'Ada' }, output: 'Hello Ada!' }
 * ```
 */
export function parseActionExample(body: string, index: number): ParsedExample {
  const start = body.indexOf('{')
  const head = start < 0 ? body : body.slice(0, start)
  const name = head.trim().split(/\s+/)[0] || `example_${index + 1}`
  let value: unknown
  try {
    value = JSON.parse(start < 0 ? '' : stripFence(body.slice(start)))
  } catch (cause) {
    throw new Error(`@example ${name}: the body is not JSON (${cause instanceof Error ? cause.message : String(cause)}); write { "input": …, "output": … }`)
  }
  if (value === null || typeof value !== 'object' || !('input' in value)) throw new Error(`@example ${name}: expected a JSON object with "input" (and optionally "output")`)
  const ex = value as { input: unknown; output?: unknown; description?: unknown }
  return {
    name,
    input: ex.input,
    ...('output' in ex ? { output: ex.output } : {}),
    ...(typeof ex.description === 'string' ? { description: ex.description } : {}),
  }
}

function stripFence(text: string): string {
  return text.replace(/```\s*$/, '').trim()
}
