import { relative } from 'node:path'
import { ExistingFilesError, initProject } from '../../init/index.ts'
import { CliExit, EXIT } from '../context.ts'

/**
 * `serval init [DIR]`: writes a new project into DIR (default `.`) and
 * prints the next steps. Exit 2, writing nothing, when a file it would
 * write already exists (all of them named).
 *
 * @example
 * ```ts
 * process.exitCode = await initCommand('my-api', { serval: '../serval' })
 * ```
 */
export async function initCommand(dir: string | undefined, opts: { serval?: string }): Promise<number> {
  const target = dir ?? '.'
  let written
  try {
    written = initProject(target, opts.serval === undefined ? {} : { serval: opts.serval })
  } catch (error) {
    if (error instanceof ExistingFilesError) throw new CliExit(EXIT.usage, error.message)
    throw error
  }
  const where = relative(process.cwd(), written.dir)
  const cd = where && where !== '.' ? `cd ${where} && ` : ''
  const lines = [`Created a Serval project in ${written.dir}:`, ...written.files.map((f) => `  ${f}`), '', 'Next:', `  ${cd}npm install && npm start`, '  npm test', '']
  process.stdout.write(lines.join('\n'))
  return EXIT.ok
}
