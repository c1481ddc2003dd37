export { discoverActions, findActionFiles, importFile } from './discover.ts'
