import { settingDefs, type SettingName } from '../../config/definitions.ts'
import { resolveDirs } from '../../app/load.ts'
import { settingsFor, EXIT } from '../context.ts'

/** `serval config [DIR...]`: prints every effective setting and where it came from; secrets masked. */
export async function configCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const { settings, sources } = await settingsFor(opts)
  const values = { ...settings, function_dirs: resolveDirs(dirs, settings, process.cwd()) } as Record<string, unknown>
  if (dirs.length) sources.function_dirs = 'flag --function-dirs'
  if (opts.json === true) {
    const out = Object.fromEntries(Object.keys(settingDefs).map((n) => [n, { value: shown(n as SettingName, values[n]), source: sources[n as SettingName] }]))
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    return EXIT.ok
  }
  const width = Math.max(...Object.keys(settingDefs).map((n) => n.length))
  for (const name of Object.keys(settingDefs) as SettingName[]) {
    const value = shown(name, values[name])
    process.stdout.write(`${name.padEnd(width)}  ${JSON.stringify(value) ?? '(unset)'}  [${sources[name]}]\n`)
  }
  return EXIT.ok
}

function shown(name: SettingName, value: unknown): unknown {
  const def = settingDefs[name] as { secret?: boolean }
  return def.secret && value !== undefined ? '********' : value
}
