export { action, isAction, kebabCase } from './define.ts'
export { file, isFileOutput, type FileOutput } from './file.ts'
export { resolver, isResolver, type Resolver, type ResolverDef, type ResolverContext, type FieldFactory, type Fields } from './resolver.ts'
export type {
  Action,
  ActionDef,
  ActionContext,
  ActionExample,
  ActionTypes,
  AnyAction,
  Access,
  HttpMethod,
  JobOptions,
  Schedule,
  Resources,
  Trigger,
  HandlerInput,
  ClientInput,
} from './types.ts'
