export { action, isAction, kebabCase } from './define.ts'
export { file, isFileOutput, type FileOutput } from './file.ts'
export { upload } from './upload.ts'
export { redirect, isRedirect, type Redirect, type RedirectStatus } from './redirect.ts'
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
  PageOptions,
  Schedule,
  Resources,
  Trigger,
  HandlerInput,
  ClientInput,
} from './types.ts'
