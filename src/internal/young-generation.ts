import { setFlagsFromString } from 'node:v8'

/** V8's own default for how much the young generation grows at a time. */
const DEFAULT_GROWTH = 2

/**
 * True when the process runs with its own young-generation flags, which
 * Serval then leaves alone.
 */
function userTuned(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('semi-space'))
}

/**
 * Lets V8's young generation grow again, once a long-running command has
 * started. `bin/serval.js` holds it at its first size while Serval, its
 * dependencies and the user's files load: start-up garbage alone would
 * otherwise grow it to its maximum (~30 MB of RSS an idle server keeps for
 * nothing). Under load it grows back as before. No-op when the process
 * sets its own `--*semi-space*` flags.
 *
 * @example
 * ```ts
 * const running = await serve({ settings, dirs })
 * releaseYoungGeneration()
 * ```
 */
export function releaseYoungGeneration(): void {
  if (!userTuned()) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH}`)
}
