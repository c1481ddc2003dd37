import { buildAsyncApi } from '../../asyncapi/index.ts'
import { documentCommand } from './document.ts'

/** `serval asyncapi [--out F] [DIR...]`: writes the AsyncAPI 3.0 document of the channels (stdout by default). */
export const asyncapiCommand = documentCommand((app) => buildAsyncApi(app))
