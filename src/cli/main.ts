import { Command, CommanderError } from 'commander'
import { SettingsError } from '../config/parse.ts'
import { ServalError } from '../errors/index.ts'
import { CliExit, EXIT } from './exit.ts'
import { addSettingFlags } from './options.ts'

/**
 * A command's implementation, imported when it runs: `serval serve` does not
 * load what `doctor` (a Redis client), `hash-password` (argon2) or `sls` (YAML)
 * need, which is start-up time and memory the server would never use.
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return (async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args)) as M[K]
}

const asyncapiCommand = lazy(() => import('./commands/asyncapi.ts'), 'asyncapiCommand')
const initCommand = lazy(() => import('./commands/init.ts'), 'initCommand')
const doctorCommand = lazy(() => import('./commands/doctor.ts'), 'doctorCommand')
const clientCommand = lazy(() => import('./commands/client.ts'), 'clientCommand')
const graphqlSchemaCommand = lazy(() => import('./commands/graphql-schema.ts'), 'graphqlSchemaCommand')
const hashPasswordCommand = lazy(() => import('./commands/hash-password.ts'), 'hashPasswordCommand')
const configCommand = lazy(() => import('./commands/config.ts'), 'configCommand')
const devCommand = lazy(() => import('./commands/dev.ts'), 'devCommand')
const openapiCommand = lazy(() => import('./commands/openapi.ts'), 'openapiCommand')
const runCommand = lazy(() => import('./commands/run.ts'), 'runCommand')
const serveCommand = lazy(() => import('./commands/serve.ts'), 'serveCommand')
const slsCommand = lazy(() => import('./commands/sls.ts'), 'slsCommand')
const testCommand = lazy(() => import('./commands/test.ts'), 'testCommand')
const workerCommand = lazy(() => import('./commands/worker.ts'), 'workerCommand')

type Opts = Record<string, unknown>

/** Builds the `serval` program; each action sets `result` to its exit code. */
function program(argv: string[], result: { code: number }): Command {
  const root = new Command('serval')
    .description('Serve typed TypeScript functions as REST + OpenAPI, jobs, streams and a CLI')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
  const dirsArg = '[dirs...]'
  root
    .command('init')
    .description('Write a new project into DIR (default: .): package.json, actions/hello.ts, a test, tsconfig.json, .gitignore, README')
    .argument('[dir]')
    .option('--serval <spec>', 'the serval dependency: a version range, or a path to a Serval checkout (becomes file:PATH)')
    .exitOverride()
    .action(async (dir: string | undefined, opts: { serval?: string }) => void (result.code = await initCommand(dir, opts)))
  const cmd = (name: string, description: string) => addSettingFlags(root.command(name).description(description).exitOverride())
  cmd('doctor', 'Check the environment (Node, settings, data_dir, Redis and OIDC when configured, the function dirs) and say what to fix')
    .argument(dirsArg)
    .action(async (dirs: string[], opts: Opts) => void (result.code = await doctorCommand(dirs, opts)))
  cmd('serve', 'Serve the actions of DIRs (default: ./actions if present, else .)')
    .argument(dirsArg)
    .option('--no-workers', 'run no jobs or schedule ticks in this process (same as --workers 0)')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await serveCommand(dirs, opts)))
  cmd('worker', 'Run jobs and schedule ticks from Redis (needs redis_url); --workers N at once')
    .argument(dirsArg)
    .action(async (dirs: string[], opts: Opts) => void (result.code = await workerCommand(dirs, opts)))
  cmd('dev', 'serve in dev mode, restarting when a file changes')
    .argument(dirsArg)
    .action(async (dirs: string[], opts: Opts) => void (result.code = await devCommand(dirs, opts)))
  cmd('run', 'Run one action and print its output as JSON (exit 0 ok, 1 action error, 2 bad usage or input)')
    .argument('<name>', 'the action name, e.g. sayHello (or say-hello)')
    .argument(dirsArg)
    .option('--input <json>', 'the input as JSON')
    .option('--input-file <file>', 'read the input JSON from a file (- for stdin)')
    .option('--job', 'run it as a job and wait: status and progress on stderr, the output on stdout')
    .action(async (name: string, dirs: string[], opts: Opts) => void (result.code = await runCommand(name, dirs, opts)))
  cmd('test', 'Run every action example as a test')
    .argument(dirsArg)
    .action(async (dirs: string[], opts: Opts) => void (result.code = await testCommand(dirs, opts)))
  cmd('openapi', 'Write the OpenAPI 3.1 document')
    .argument(dirsArg)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await openapiCommand(dirs, opts)))
  cmd('client', 'Write a standalone typed TypeScript client (no dependencies) from the OpenAPI document')
    .argument(dirsArg)
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--from <url|file>', 'generate from this OpenAPI document (a URL or a JSON file) instead of loading DIRs')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await clientCommand(dirs, opts)))
  cmd('asyncapi', 'Write the AsyncAPI 3.0 document of the channels')
    .argument(dirsArg)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await asyncapiCommand(dirs, opts)))
  cmd('graphql-schema', 'Write the GraphQL schema (SDL) built from the actions')
    .argument(dirsArg)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await graphqlSchemaCommand(dirs, opts)))
  cmd('config', 'Print the effective settings and where each came from')
    .argument(dirsArg)
    .option('--json', 'print JSON')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await configCommand(dirs, opts)))
  cmd('sls', 'Write serverless.yml for AWS Lambda: a function per HTTP action (or --router), schedules, settings')
    .argument(dirsArg)
    .option('--out <file>', 'where to write it (- for stdout)', 'serverless.yml')
    .option('--router', 'one function for every route and schedule instead of one per action')
    .option('--api <kind>', 'http-api (HTTP API, httpApi events) or rest (REST API, http events)', 'http-api')
    .option('--service <name>', 'the service name (default: from package.json)')
    .option('--handler <file.export>', 'the handler, relative to the file\'s folder', 'handler.handler')
    .option('--secrets <source>', 'how secret settings are referenced: ssm (${ssm:/SERVICE/NAME}) or env (${env:SERVAL_NAME})', 'ssm')
    .option('--force', 'overwrite the file even if it was edited or not generated by serval sls')
    .action(async (dirs: string[], opts: Opts) => void (result.code = await slsCommand(dirs, opts)))
  root
    .command('hash-password')
    .description('Read a password on stdin (no echo on a terminal) and print its hash for basic_users_file')
    .option('--scrypt', 'an scrypt hash instead of argon2id')
    .exitOverride()
    .action(async (opts: { scrypt?: boolean }) => void (result.code = await hashPasswordCommand(opts)))
  return root
}

/**
 * Runs the CLI and resolves with the exit code: 0 ok, 1 failure, 2 bad
 * usage, flag or setting (the message names it).
 *
 * @example
 * ```ts
 * process.exitCode = await main(['run', 'add', '--input', '{"a":1,"b":2}', 'examples'])
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const result = { code: EXIT.ok as number }
  try {
    await program(argv, result).parseAsync(argv, { from: 'user' })
    return result.code
  } catch (error) {
    return report(error)
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage
  if (error instanceof SettingsError || error instanceof CliExit) {
    process.stderr.write(`serval: ${error.message}\n`)
    return error instanceof CliExit ? error.code : EXIT.usage
  }
  if (error instanceof ServalError) {
    process.stderr.write(`serval: ${error.detail ?? error.message}\n`)
    return EXIT.failed
  }
  process.stderr.write(`serval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return EXIT.failed
}
