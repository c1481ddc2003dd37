import { createRequire } from 'node:module'

/** What the templates are filled with. */
export interface TemplateValues {
  /** The project's package name. */
  readonly name: string
  /** The `serval` dependency: a version range (`^0.1.0`) or `file:/path/to/serval`. */
  readonly serval: string
}

interface ServalPackage {
  version: string
  devDependencies: Record<string, string>
}

const own = createRequire(import.meta.url)('../../package.json') as ServalPackage

/**
 * The dependency range of a package Serval itself is tested with, so a new
 * project gets versions known to work together.
 */
function tested(name: 'zod' | 'typescript' | 'vitest' | '@types/node'): string {
  const range = own.devDependencies[name]
  if (!range) throw new Error(`serval's package.json lists no ${name}`)
  return /^\d/.test(range) ? `~${range}` : range
}

/**
 * The published range of this Serval (`^0.1.0`), the default dependency of a new project.
 *
 * @example
 * ```ts
 * publishedServal() // '^0.1.0'
 * ```
 */
export function publishedServal(): string {
  return `^${own.version}`
}

function packageJson(v: TemplateValues): string {
  const pkg = {
    name: v.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { start: 'serval serve actions', dev: 'serval dev actions', test: 'vitest run', typecheck: 'tsc --noEmit' },
    dependencies: { serval: v.serval, zod: tested('zod') },
    devDependencies: { '@types/node': tested('@types/node'), typescript: tested('typescript'), vitest: tested('vitest') },
  }
  return `${JSON.stringify(pkg, null, 2)}\n`
}

const HELLO = `/**
 * Greetings: the first actions of this project. Every exported \`action\`
 * in actions/ is served as REST (with OpenAPI docs at /docs), and can run
 * as a job or from the CLI (\`npx serval run sayHello --input '{"name":"Ada"}'\`).
 */
import { action } from 'serval'
import { z } from 'zod'

export const sayHello = action(
  {
    description: 'Greets someone by name. The examples below are documentation and tests at once.',
    input: z.object({ name: z.string().min(1).max(100).describe('Who to greet') }),
    output: z.object({ message: z.string() }),
    http: 'GET',
    examples: [
      { name: 'greet_ada', description: 'A friendly hello', input: { name: 'Ada' }, output: { message: 'Hello, Ada!' } },
    ],
  },
  async ({ name }) => ({ message: \`Hello, \${name}!\` }),
)
`

const EXAMPLES_TEST = `// Runs every example of every action through the full pipeline (validation
// included): an example whose output changes fails here.
import { it } from 'vitest'
import { loadExampleCases } from 'serval/testing'

for (const c of await loadExampleCases(['actions'])) it(c.title, c.run)
`

// Serval ships TypeScript source as its types, so these match its own
// compiler options (a looser or stricter project would check its files differently).
const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ['actions', 'test'],
  },
  null,
  2,
)}\n`

const GITIGNORE = `node_modules/
.serval/
.env
*.log
`

function readme(v: TemplateValues): string {
  return `# ${v.name}

A [Serval](https://www.npmjs.com/package/serval) service: typed functions in \`actions/\`,
served as REST + OpenAPI, jobs, streams and a CLI.

\`\`\`sh
npm install && npm start    # http://127.0.0.1:8000/docs
npm test                    # runs every action example as a test
\`\`\`

Add a function: export another \`action(...)\` from a file in \`actions/\`.
\`npm run dev\` restarts on every change; \`npx serval doctor\` checks the
environment (Node, data_dir, Redis, OIDC) and says what to fix.
`
}

/**
 * The files of a new project, by path relative to its folder.
 *
 * @example
 * ```ts
 * const files = projectFiles({ name: 'my-api', serval: publishedServal() })
 * Object.keys(files) // ['package.json', 'actions/hello.ts', …]
 * ```
 */
export function projectFiles(v: TemplateValues): Record<string, string> {
  return {
    'package.json': packageJson(v),
    'actions/hello.ts': HELLO,
    'test/examples.test.ts': EXAMPLES_TEST,
    'tsconfig.json': TSCONFIG,
    '.gitignore': GITIGNORE,
    'README.md': readme(v),
  }
}
