import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { pino } from 'pino'
import { loadApp, resolveDirs } from '../../app/load.ts'
import { ServalError } from '../../errors/index.ts'
import { serverlessConfig, type ApiKind } from '../../lambda/sls/config.ts'
import { lambdaEnvironment, type SecretSource } from '../../lambda/sls/environment.ts'
import { CliExit, EXIT, settingsFor } from '../context.ts'

/**
 * `serval sls [DIR...] [--out F] [--router] [--api http-api|rest] [--service NAME]
 * [--handler FILE.EXPORT] [--secrets ssm|env] [--force]`: writes `serverless.yml`
 * (`--out -` prints it). Paths in it are relative to the file's folder, the
 * service root. Exit 2 for a bad flag, a schedule AWS cannot run, or a file
 * it would not overwrite.
 */
export async function slsCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const api = choice<ApiKind>(opts.api, '--api', ['http-api', 'rest'], 'http-api')
  const secrets = choice<SecretSource>(opts.secrets, '--secrets', ['ssm', 'env'], 'ssm')
  const out = typeof opts.out === 'string' ? opts.out : 'serverless.yml'
  const handler = typeof opts.handler === 'string' ? opts.handler : 'handler.handler'
  if (!/^[^\s.][^\s]*\.[A-Za-z_$][\w$]*$/.test(handler)) throw new CliExit(EXIT.usage, `--handler must be FILE.EXPORT, e.g. handler.handler, got "${handler}"`)
  const service = typeof opts.service === 'string' ? serviceName(opts.service, '--service') : defaultService()
  const { settings, sources } = await settingsFor(opts)
  if (sources.log_level === 'default') settings.log_level = 'silent'
  const app = await loadApp({ settings, dirs, logger: pino({ level: settings.log_level }, pino.destination(2)) })
  try {
    const root = out === '-' ? process.cwd() : dirname(resolve(out))
    const functionDirs = resolveDirs(dirs, settings, process.cwd()).map((d) => relative(root, resolve(d)).split(sep).join('/') || '.')
    const environment = lambdaEnvironment(settings, sources, { dirs: functionDirs, service, secrets })
    const options = { service, router: opts.router === true, api, handler, environment, cors: settings.cors_allowed_origins.length > 0 }
    const { doc, warnings } = await serverlessConfig(app, options).catch(usageError)
    if (environment.SERVAL_DEV_MODE === 'true') warnings.push('dev_mode is on in the function\'s environment: error details and the debug token endpoint would be public')
    for (const w of warnings) process.stderr.write(`serval sls: warning: ${w}\n`)
    // yaml is loaded by this command only: every other command (serve, above all) starts without it.
    const { renderServerless, writeServerless } = await import('../../lambda/sls/file.ts')
    const text = renderServerless(doc, 'serval sls')
    if (out === '-') process.stdout.write(text)
    else writeOrRefuse(() => writeServerless(out, text, opts.force === true))
    return EXIT.ok
  } finally {
    await app.close()
  }
}

function writeOrRefuse(write: () => void): void {
  try {
    write()
  } catch (error) {
    usageError(error)
  }
}

/** A schedule AWS cannot run, or a file not to overwrite, is the user's to fix: exit 2 with the reason. */
function usageError(error: unknown): never {
  if (error instanceof ServalError) throw new CliExit(EXIT.usage, error.detail ?? error.message)
  throw error
}

function choice<T extends string>(value: unknown, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new CliExit(EXIT.usage, `${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
}

/** The package's name, made a valid service name; else "serval-app". */
function defaultService(): string {
  try {
    if (existsSync('package.json')) {
      const name = (JSON.parse(readFileSync('package.json', 'utf8')) as { name?: unknown }).name
      if (typeof name === 'string') return name.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '') || 'serval-app'
    }
  } catch {
    // An unreadable package.json only loses the default name.
  }
  return 'serval-app'
}

function serviceName(value: string, flag: string): string {
  if (/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(value)) return value
  throw new CliExit(EXIT.usage, `${flag} must start with a letter and hold only letters, digits and -, got "${value}"`)
}
