export { discoverActions, findActionFiles, importFile, noActionsError } from './discover.ts'
