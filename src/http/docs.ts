import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { buildOpenApi } from '../openapi/index.ts'
import { docsAuthOptions } from './docs-auth.ts'
import { registerDocsUi } from './docs-ui.ts'
import { registerDocsHeaders } from './security/docs-headers.ts'

/**
 * `/openapi.json` and the interactive docs at `/docs`. The document is built
 * once, on first request, and cached: it cannot change while serving.
 */
export async function registerDocsRoutes(server: FastifyInstance, app: App): Promise<void> {
  let doc: Record<string, unknown> | undefined
  const getDoc = () => (doc ??= buildOpenApi(app))
  server.get('/openapi.json', async () => getDoc())
  // Its own scope: the security headers apply to the docs pages only.
  await server.register(async (scope) => {
    await registerDocsHeaders(scope)
    // The Authorize dialog follows the document's security schemes, so it is set up on the first page view too.
    registerDocsUi(scope, app, () => docsAuthOptions(app, getDoc()))
  })
}
