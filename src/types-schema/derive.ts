import type ts from 'typescript'
import { InexpressibleType, toJsonSchema, type ConvertContext } from './convert.ts'
import { parseActionExample, type ParsedExample } from './jsdoc.ts'
import { statementDoc, type ActionSite } from './locate.ts'

type Json = Record<string, unknown>

/** What an action's types give it: JSON, so it can be cached as is. */
export interface DerivedSchemas {
  readonly input?: Json
  readonly output?: Json
  readonly description?: string
  readonly examples?: readonly ParsedExample[]
}

const STREAMS = new Set(['AsyncGenerator', 'AsyncIterable', 'AsyncIterableIterator'])

/**
 * Derives an action's schemas from its handler: the first parameter's type
 * is the input, the awaited return type the output (for an async
 * generator, the type of each item); the `export` statement's JSDoc gives
 * the description and examples. An untyped parameter (`any`) leaves the
 * input as any object, and a return type of `void`, `never`, `any` or
 * `unknown` leaves no output schema, as an action without schemas has.
 *
 * @example
 * ```ts
 * deriveSchemas(ts, checker, site) // { input: { type: 'object', … }, output: { type: 'string' } }
 * ```
 */
export function deriveSchemas(t: typeof ts, checker: ts.TypeChecker, site: ActionSite): DerivedSchemas {
  const ctx: ConvertContext = { ts: t, checker, at: site.handler }
  const signature = checker.getTypeAtLocation(site.handler).getCallSignatures()[0]
  if (!signature) return {}
  if (signature.typeParameters?.length) {
    throw new InexpressibleType('handler', checker.signatureToString(signature), 'a generic handler has no schema; give its parameter a concrete type')
  }
  const param = signature.getParameters()[0]
  const inputType = param && checker.getTypeOfSymbolAtLocation(param, site.handler)
  const outputType = resultType(t, checker, signature.getReturnType())
  const doc = statementDoc(t, site.docNode)
  const examples = doc.examples.map((body, i) => parseActionExample(body, i))
  return {
    ...(inputType && !isNothing(t, inputType) ? { input: toJsonSchema(inputType, ctx, 'input') } : {}),
    ...(outputType && !isNothing(t, outputType) ? { output: toJsonSchema(outputType, ctx, 'output') } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    ...(examples.length ? { examples } : {}),
  }
}

/** The awaited return type, or a stream's item type. */
function resultType(t: typeof ts, checker: ts.TypeChecker, returned: ts.Type): ts.Type | undefined {
  const name = returned.getSymbol()?.getName()
  if (name && STREAMS.has(name) && returned.flags & t.TypeFlags.Object) return checker.getTypeArguments(returned as ts.TypeReference)[0]
  return checker.getAwaitedType(returned) ?? returned
}

function isNothing(t: typeof ts, type: ts.Type): boolean {
  return (type.flags & (t.TypeFlags.Any | t.TypeFlags.Unknown | t.TypeFlags.Void | t.TypeFlags.Undefined | t.TypeFlags.Never)) !== 0
}
