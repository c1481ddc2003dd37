export { ExistingFilesError, initProject, type InitOptions, type InitResult } from './write.ts'
export { projectFiles, publishedServal, type TemplateValues } from './templates.ts'
