import DataLoader from 'dataloader'
import type { GraphQLError, GraphQLFieldConfigMap } from 'graphql'
import { fieldsOf, type Resolver } from '../action/resolver.ts'
import type { App } from '../app/app.ts'
import { checkOutput } from '../core/invoke.ts'
import { cachePolicy, type CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { pascalCase } from '../openapi/schemas.ts'
import { compileInput, compileOutput } from '../schema/index.ts'
import { fieldError } from './errors.ts'
import type { GraphqlContext } from './schema.ts'
import { JsonScalar, type TypeMapper } from './types.ts'

/** One resolvable field, compiled as an action of its own (`numberStats.factorial`) so it runs through the pipeline. */
interface CompiledField {
  readonly name: string
  readonly resolver: Resolver<unknown>
  readonly action: CompiledAction
}

/**
 * Compiles an action's `fields` (`resolver()`): each becomes a pseudo-action
 * with the field's input, output and access rule (default: the action's),
 * so `app.invoke` authenticates, validates, authorizes and checks its
 * output as for any action.
 *
 * @example
 * ```ts
 * const fields = await compileFields(action) // [] when it declares none
 * ```
 */
export async function compileFields(action: CompiledAction): Promise<CompiledField[]> {
  const out: CompiledField[] = []
  for (const [name, field] of Object.entries(fieldsOf(action.def.fields))) {
    const r = field as Resolver<unknown>
    const def = { ...action.def, access: r.def.access ?? action.def.access, input: r.def.input, output: r.def.output, cache: r.def.cache, fields: undefined }
    const fieldName = `${action.name}.${name}`
    const compiled: CompiledAction = {
      ...action,
      name: fieldName,
      def: def as CompiledAction['def'],
      streaming: false,
      input: await compileInput(r.def.input),
      output: r.def.output === undefined ? undefined : await compileOutput(r.def.output),
      cache: cachePolicy(r.def.cache, `field "${fieldName}"${action.file ? ` (in ${action.file})` : ''}`, false),
    }
    out.push({ name, resolver: r, action: compiled })
  }
  return out
}

/**
 * The GraphQL field configs of compiled fields, to add to the parent's type.
 *
 * @example
 * ```ts
 * types.output(schema, 'NumberStatsOutput', undefined, () => fieldConfigs(app, types, action, fields))
 * ```
 */
export function fieldConfigs(app: App, types: TypeMapper, parent: CompiledAction, fields: readonly CompiledField[]): GraphQLFieldConfigMap<unknown, GraphqlContext> {
  const configs: GraphQLFieldConfigMap<unknown, GraphqlContext> = {}
  for (const field of fields) {
    const base = `${pascalCase(parent.name)}${pascalCase(field.name)}`
    const input = field.action.input.jsonSchema as Record<string, unknown>
    configs[field.name] = {
      type: field.action.output ? types.output(field.action.output.jsonSchema, `${base}Output`) : JsonScalar,
      args: typeof input.properties === 'object' ? types.inputFields(input, `${base}Input`, { schema: input }) : {},
      ...(field.resolver.def.description ? { description: field.resolver.def.description } : {}),
      resolve: (source, values, context) => (field.resolver.def.batch ? loadBatched(app, field, source, values, context) : resolveOne(app, field, source, values, context)),
    }
  }
  return configs
}

// Not async, and no await: a field costs the pipeline's promise and one `.then`, which matters on a list of parents.
function resolveOne(app: App, field: CompiledField, parent: unknown, values: Record<string, unknown>, context: GraphqlContext): Promise<unknown> {
  const refused = overCalls(app, context)
  if (refused) return Promise.reject(refused)
  const run = (input: unknown, ctx: object) => field.resolver.handler(input, Object.assign(ctx, { parent }))
  return app.invoke(withHandler(field.action, run), withoutNulls(values), { ...invocation(context), varies: parent }).then(undefined, (error: unknown) => {
    throw fieldError(app, error, context.requestId)
  })
}

/** Every parent asking for the field with the same arguments in one request shares one call. */
function loadBatched(app: App, field: CompiledField, parent: unknown, values: Record<string, unknown>, context: GraphqlContext): Promise<unknown> {
  const args = withoutNulls(values)
  // Called once per parent: a field without arguments needs no JSON for its key.
  const key = hasKeys(args) ? `${field.action.name}:${JSON.stringify(args)}` : field.action.name
  const loaders = (context.loaders ??= new Map())
  let loader = loaders.get(key)
  if (!loader) {
    loader = new DataLoader((parents: readonly unknown[]) => runBatch(app, field, parents, args, context), { cache: false })
    loaders.set(key, loader)
  }
  return loader.load(parent).then(undefined, (error: unknown) => {
    throw fieldError(app, error, context.requestId)
  })
}

async function runBatch(app: App, field: CompiledField, parents: readonly unknown[], args: Record<string, unknown>, context: GraphqlContext): Promise<unknown[]> {
  const refused = overCalls(app, context)
  if (refused) throw refused
  const run = (input: unknown, ctx: object) => field.resolver.handler(input, Object.assign(ctx, { parents }))
  // The list is checked item by item below: the field's output schema is an item's.
  const list = await app.invoke({ ...withHandler(field.action, run), output: undefined }, args, { ...invocation(context), varies: parents })
  if (!Array.isArray(list) || list.length !== parents.length) {
    throw new ServalError('internal', { detail: `The batched field ${field.action.name} returned ${Array.isArray(list) ? list.length : 'no list of'} values for ${parents.length} parents` })
  }
  if (app.settings.validate_output === false) return list
  return checkItems(field.action, list)
}

/**
 * Each item checked against the field's output schema; a failing item is
 * an Error in its place, so only its parent's field fails. Synchronous
 * checks (Ajv) make no promise per item: a promise only when some check is async.
 */
function checkItems(action: CompiledAction, list: readonly unknown[]): unknown[] | Promise<unknown[]> {
  const out: unknown[] = new Array(list.length)
  let pending = false
  for (let i = 0; i < list.length; i++) {
    try {
      const checked = checkOutput(action, list[i])
      if (checked instanceof Promise) {
        pending = true
        out[i] = checked.catch(toError)
      } else out[i] = checked
    } catch (error) {
      out[i] = toError(error)
    }
  }
  return pending ? Promise.all(out) : out
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

function withHandler(action: CompiledAction, handler: (input: unknown, ctx: object) => unknown): CompiledAction {
  return { ...action, action: { ...action.action, handler } }
}

function invocation(context: GraphqlContext) {
  return { requestId: context.requestId, trigger: 'graphql' as const, credentials: context.credentials, signal: context.signal, traceparent: context.traceparent }
}

/**
 * Counts one pipeline call of an operation against `graphql_max_calls`: a
 * list of N parents with a field that is not batched makes N calls, which
 * no static cost can see. Past the limit, the call is refused (the field
 * is null with a 400 error, as is every later one) instead of run.
 *
 * @example
 * ```ts
 * const refused = overCalls(app, context)
 * if (refused) return Promise.reject(refused)
 * ```
 */
export function overCalls(app: App, context: GraphqlContext): GraphQLError | undefined {
  if (context.calls === undefined) return undefined
  const max = app.settings.graphql_max_calls
  if (++context.calls <= max) return undefined
  return fieldError(app, new ServalError('bad-request', { detail: `The operation made more than ${max} action and resolver calls (graphql_max_calls); a field on a list runs once per item unless it is batched (batch: true)`, publicDetail: true }), context.requestId)
}

/** An argument given as `null` is an argument not given: the schema decides about absent fields. */
export function withoutNulls(values: Record<string, unknown>): Record<string, unknown> {
  // A copy even without nulls: validation may fill in defaults, and graphql-jit can hand the same object to every call.
  const out: Record<string, unknown> = {}
  for (const k in values) if (values[k] !== null) out[k] = values[k]
  return out
}

function hasKeys(values: Record<string, unknown>): boolean {
  for (const _ in values) return true
  return false
}
