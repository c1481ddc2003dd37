export { buildOpenApi } from './document.ts'
export { addComponent, problemSchema, pascalCase } from './schemas.ts'
