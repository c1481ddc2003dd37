import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql'

/** The fragments being spread (a cycle stops) and the cost past which the walk ends. */
interface Walk {
  readonly spreading: Set<string>
  readonly limit: number
}

/** How deep and how wide an operation is. */
interface Size {
  depth: number
  cost: number
}

/**
 * A validation rule that refuses an operation nested deeper than `maxDepth`
 * or selecting more than `maxCost` fields (every field counts once per
 * alias and per fragment spread, so alias and fragment bombs add up).
 * Introspection (`__schema`, `__type`) is not counted: it is off outside
 * dev mode unless asked for. Refused before anything runs: a 400.
 *
 * @example
 * ```ts
 * validate(schema, parse(query), [...specifiedRules, queryLimits(10, 1000)])
 * ```
 */
export function queryLimits(maxDepth: number, maxCost: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const size = measure(context, node.selectionSet, 1, { spreading: new Set(), limit: maxCost })
      const name = node.name ? ` ${node.name.value}` : ''
      if (size.depth > maxDepth) context.reportError(limitError(`The operation${name} is nested ${size.depth} levels deep; graphql_max_depth allows ${maxDepth}`, node))
      else if (size.cost > maxCost) context.reportError(limitError(`The operation${name} selects ${size.cost} fields; graphql_max_cost allows ${maxCost}`, node))
    },
  })
}

function measure(context: ValidationContext, set: SelectionSetNode, level: number, walk: Walk): Size {
  const size: Size = { depth: level, cost: 0 }
  for (const selection of set.selections) {
    const inner = selectionSize(context, selection, level, walk)
    size.cost += inner.cost
    size.depth = Math.max(size.depth, inner.depth)
    // Past the limit the answer is known: stop, so nested fragment spreads cannot make this walk exponential.
    if (size.cost > walk.limit) break
  }
  return size
}

function selectionSize(context: ValidationContext, selection: SelectionSetNode['selections'][number], level: number, walk: Walk): Size {
  if (selection.kind === Kind.FIELD) {
    if (selection.name.value.startsWith('__')) return { depth: level, cost: 0 }
    const inner = selection.selectionSet ? measure(context, selection.selectionSet, level + 1, walk) : { depth: level, cost: 0 }
    return { depth: inner.depth, cost: inner.cost + 1 }
  }
  if (selection.kind === Kind.INLINE_FRAGMENT) return measure(context, selection.selectionSet, level, walk)
  const name = selection.name.value
  const fragment = context.getFragment(name)
  // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
  if (!fragment || walk.spreading.has(name)) return { depth: level, cost: 0 }
  walk.spreading.add(name)
  const size = measure(context, fragment.selectionSet, level, walk)
  walk.spreading.delete(name)
  return size
}

function limitError(message: string, node: import('graphql').ASTNode): GraphQLError {
  return new GraphQLError(message, { nodes: [node], extensions: { code: 'query-too-complex', status: 400 } })
}

/**
 * A validation rule for HTTP: a subscription needs a socket, so over
 * `POST`/`GET /graphql` it is refused before anything runs (a 400).
 *
 * @example
 * ```ts
 * validate(schema, parse('subscription { news { text } }'), [NoSubscriptionOverHttp]) // one error
 * ```
 */
export const NoSubscriptionOverHttp: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') return
    context.reportError(new GraphQLError('Subscriptions run over WebSocket: connect to /graphql with the graphql-transport-ws protocol', { nodes: [node], extensions: { code: 'bad-request', status: 400 } }))
  },
})
