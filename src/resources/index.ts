export { resource, disabledResource, isResource, type Resource, type ResourceDef, type ResourceOpenContext, type ResourceValue, type ResourcesOf, type DisabledResource } from './define.ts'
export { discoverResources, type ResourceSource } from './discover.ts'
export { resourcesExtension, openResources } from './extension.ts'
export type { ResourceState } from './set.ts'
