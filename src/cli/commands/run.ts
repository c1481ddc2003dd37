import { readFileSync } from 'node:fs'
import { toProblem } from '../../errors/index.ts'
import { openResources } from '../../resources/index.ts'
import { appFor, CliExit, EXIT } from '../context.ts'
import { runJob } from './run-job.ts'

/**
 * `serval run NAME [--input JSON | --input-file F] [--job] [DIR...]`: prints
 * the output as JSON (a stream as NDJSON). With `--job`, runs it as a job
 * (progress on stderr). Exit 0 ok, 1 the action failed, 2 bad usage or input.
 */
export async function runCommand(name: string, dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const input = readInput(opts)
  const app = await appFor(dirs, opts)
  try {
    await openResources(app)
    const action = app.registry.get(name)
    if (!action) throw new CliExit(EXIT.usage, `No action named "${name}". Known: ${app.registry.list().map((a) => a.name).join(', ') || '(none)'}`)
    const serialize = (v: unknown) => (action.output ? action.output.serialize(v) : JSON.stringify(v))
    try {
      if (opts.job === true) return await runJob(app, action, input, (output) => printJobOutput(output, action.streaming, serialize))
      const output = await app.invoke(action, input, { requestId: `cli-${process.pid}`, trigger: 'cli', principal: null, signal: app.shutdownSignal })
      await printOutput(output, serialize)
      return EXIT.ok
    } catch (error) {
      const problem = toProblem(error, { devMode: true, instance: `cli:${name}` })
      process.stderr.write(`${JSON.stringify(problem, null, 2)}\n`)
      return problem.status === 422 || problem.status === 400 ? EXIT.usage : EXIT.failed
    }
  } finally {
    await app.close()
  }
}

async function printOutput(output: unknown, serialize: (v: unknown) => string): Promise<void> {
  if (output !== null && typeof output === 'object' && Symbol.asyncIterator in output) {
    for await (const item of output as AsyncIterable<unknown>) process.stdout.write(`${serialize(item)}\n`)
    return
  }
  if (output !== undefined) process.stdout.write(`${serialize(output)}\n`)
}

/** A job's output: a stream's collected items print as NDJSON, like a direct run. */
function printJobOutput(output: unknown, streaming: boolean, serialize: (v: unknown) => string): void {
  if (streaming && Array.isArray(output)) for (const item of output) process.stdout.write(`${serialize(item)}\n`)
  else if (output !== undefined) process.stdout.write(`${serialize(output)}\n`)
}

function readInput(opts: Record<string, unknown>): unknown {
  if (opts.input !== undefined && opts.inputFile !== undefined) throw new CliExit(EXIT.usage, 'Give --input or --input-file, not both')
  let text: string | undefined
  let origin = '--input'
  if (typeof opts.input === 'string') text = opts.input
  else if (typeof opts.inputFile === 'string') {
    origin = `--input-file ${opts.inputFile}`
    try {
      text = opts.inputFile === '-' ? readFileSync(0, 'utf8') : readFileSync(opts.inputFile, 'utf8')
    } catch (error) {
      throw new CliExit(EXIT.usage, `${origin}: cannot read: ${(error as Error).message}`)
    }
  }
  if (text === undefined) return {}
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new CliExit(EXIT.usage, `${origin}: not valid JSON: ${(error as Error).message}`)
  }
}
