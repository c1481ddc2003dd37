import { runDoctor, type CheckResult } from '../../doctor/index.ts'
import { EXIT } from '../context.ts'
import { settingsFromFlags } from '../options.ts'

const MARK: Record<CheckResult['status'], string> = { ok: '✓', fail: '✗', skip: '–' }

/**
 * `serval doctor [DIR...]`: checks the environment and prints one line per
 * check (✓ fine, ✗ broken with what to do, – not configured). Exit 1 when
 * any check fails.
 *
 * @example
 * ```ts
 * process.exitCode = await doctorCommand(['actions'], { redisUrl: 'redis://127.0.0.1:6379' })
 * ```
 */
export async function doctorCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const results = await runDoctor({ cli: settingsFromFlags(opts), ...(dirs.length ? { dirs } : {}) })
  for (const r of results) process.stdout.write(`${MARK[r.status]} ${r.message}\n${r.fix ? `  fix: ${r.fix}\n` : ''}`)
  const failures = results.filter((r) => r.status === 'fail').length
  process.stdout.write(failures ? `\n${failures} problem${failures === 1 ? '' : 's'} to fix\n` : '\nAll good\n')
  return failures ? EXIT.failed : EXIT.ok
}
