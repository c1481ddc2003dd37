import { createRequire } from 'node:module'
import { pino, type DestinationStream, type Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'

/** How log lines are written: JSON lines (for collectors) or human-readable (pino-pretty). */
export type LogFormat = 'json' | 'pretty'

/**
 * The format of the log: `log_format` when it names one, else pretty on
 * a terminal and JSON lines everywhere else (a pipe, a file, a container).
 *
 * @example
 * ```ts
 * logFormat('auto', process.stdout.isTTY === true) // 'pretty' in a terminal, 'json' under systemd or docker
 * logFormat('json', true) // 'json'
 * ```
 */
export function logFormat(setting: Settings['log_format'], isTTY: boolean): LogFormat {
  if (setting === 'json' || setting === 'pretty') return setting
  return isTTY ? 'pretty' : 'json'
}

/**
 * Where `createLogger` writes, and whether that is a terminal.
 *
 * @example
 * ```ts
 * const target: LoggerTarget = { fd: 2, isTTY: false }
 * ```
 */
export interface LoggerTarget {
  /** 1 (stdout, the default) or 2 (stderr: one-shot commands keep stdout for their output). */
  readonly fd?: 1 | 2
  /** Whether the target is a terminal; default: asked of the stream. */
  readonly isTTY?: boolean
}

/**
 * The process logger of a command: pino at `log_level`, in the format
 * `logFormat` picks. pino-pretty is loaded only when the format is
 * pretty: a server writing JSON lines never pays for it at startup.
 *
 * @example
 * ```ts
 * const logger = createLogger(settings) // serve, worker
 * const quiet = createLogger(settings, { fd: 2 }) // one-shot commands: stdout stays the output
 * ```
 */
export function createLogger(settings: Pick<Settings, 'log_level' | 'log_format'>, target: LoggerTarget = {}): Logger {
  const fd = target.fd ?? 1
  const isTTY = target.isTTY ?? (fd === 1 ? process.stdout : process.stderr).isTTY === true
  const options = { level: settings.log_level }
  if (logFormat(settings.log_format, isTTY) === 'json') return pino(options, pino.destination(fd))
  return pino(options, prettyStream(fd, isTTY))
}

/** A pino-pretty stream, written synchronously so the last lines before an exit are not lost. */
function prettyStream(fd: 1 | 2, colorize: boolean): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream
  return pretty({ destination: fd, sync: true, colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
}
