/**
 * Exit codes: 0 ok, 1 the action (or a test) failed, 2 bad usage, flags, settings or input.
 *
 * @example
 * ```ts
 * return EXIT.usage
 * ```
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/**
 * An error the CLI prints as one line and exits with `code`. In its own
 * module, apart from `context.ts` (which loads the whole app), so that
 * `serval --help` and a bad flag load only the command line.
 *
 * @example
 * ```ts
 * throw new CliExit(EXIT.usage, 'no such directory: actions')
 * ```
 */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}
