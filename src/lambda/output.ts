import { readBinaryOutput } from '../action/file.ts'
import type { CompiledAction } from '../core/registry.ts'
import { isStream } from '../core/invoke.ts'

/** What a direct invocation answers on success: the JSON output, or bytes as base64 with their type. */
export type DirectOutput =
  | { readonly output: unknown }
  | { readonly output: string; readonly isBase64Encoded: true; readonly contentType: string }

/**
 * A checked output as a direct invocation's answer. JSON goes through the
 * output schema's serialiser, as over HTTP, so the fields sent are the
 * same; a stream is collected into a list; bytes are base64.
 *
 * @example
 * ```ts
 * await directOutput(action, { name: 'x', secret: 1 }) // { output: { name: 'x' } }
 * ```
 */
export async function directOutput(action: CompiledAction, output: unknown): Promise<DirectOutput> {
  if (output === undefined) return { output: null }
  const bytes = await readBinaryOutput(output)
  if (bytes) return { output: Buffer.from(bytes.body).toString('base64'), isBase64Encoded: true, contentType: bytes.contentType }
  if (isStream(output)) {
    const items: unknown[] = []
    for await (const item of output) items.push(serialized(action, item))
    return { output: items }
  }
  return { output: serialized(action, output) }
}

function serialized(action: CompiledAction, value: unknown): unknown {
  // Parsing back what HTTP would send is what makes "the same fields as over HTTP" true.
  return action.output ? (JSON.parse(action.output.serialize(value)) as unknown) : value
}

