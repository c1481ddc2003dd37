import { buildOpenApi } from '../../openapi/index.ts'
import { documentCommand } from './document.ts'

/** `serval openapi [--out F] [DIR...]`: writes the OpenAPI document (stdout by default). */
export const openapiCommand = documentCommand((app) => buildOpenApi(app))
