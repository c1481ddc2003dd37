import { settingDefs, type SettingName, type Settings } from '../../config/definitions.ts'
import { envName, type SettingSource } from '../../config/load.ts'

/** How a secret setting is referenced: an SSM parameter, or the deploying shell's environment. */
export type SecretSource = 'ssm' | 'env'

/**
 * Settings that mean nothing, or something wrong, on Lambda: there is no
 * socket to bind, TLS ends at API Gateway, no workers run, and the only
 * writable directory is /tmp (the handler picks it).
 */
const NOT_ON_LAMBDA = new Set<SettingName>(['host', 'port', 'reload', 'workers', 'data_dir', 'function_dirs', 'tls_cert', 'tls_key', 'tls_client_ca', 'max_connections'])

/**
 * The function's environment: `SERVAL_FUNCTION_DIRS`, and every setting
 * given here (flag, env, .env or config file) as its `SERVAL_*` variable.
 * A secret is never written out: it becomes `${ssm:/SERVICE/NAME}` or
 * `${env:SERVAL_NAME}`, which the Serverless Framework resolves at deploy.
 *
 * @example
 * ```ts
 * lambdaEnvironment(settings, sources, { dirs: ['actions'], service: 'shop', secrets: 'ssm' })
 * // { SERVAL_FUNCTION_DIRS: 'actions', SERVAL_AUTH_MODE: 'jwt', SERVAL_JWT_SECRET: '${ssm:/shop/jwt_secret}' }
 * ```
 */
export function lambdaEnvironment(
  settings: Settings,
  sources: Record<SettingName, SettingSource>,
  options: { dirs: readonly string[]; service: string; secrets: SecretSource },
): Record<string, string> {
  const env: Record<string, string> = { [envName('function_dirs')]: listText(options.dirs) }
  for (const name of Object.keys(settingDefs) as SettingName[]) {
    const value = (settings as Record<string, unknown>)[name]
    if (sources[name] === 'default' || NOT_ON_LAMBDA.has(name) || value === undefined) continue
    const secret = (settingDefs[name] as { secret?: boolean }).secret === true
    env[envName(name)] = secret ? reference(name, options) : text(value)
  }
  return env
}

function reference(name: SettingName, options: { service: string; secrets: SecretSource }): string {
  return options.secrets === 'ssm' ? `\${ssm:/${options.service}/${name}}` : `\${env:${envName(name)}}`
}

function text(value: unknown): string {
  return Array.isArray(value) ? listText(value.map(String)) : String(value)
}

/** Comma-separated, CSV-quoted where a value holds a comma or a quote, as list settings are read. */
function listText(values: readonly string[]): string {
  return values.map((v) => (/[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')
}
