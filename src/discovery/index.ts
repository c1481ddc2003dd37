export { discoverActions, findActionFiles } from './discover.ts'
