import { ServerResponse, type IncomingMessage } from 'node:http'

/** What ends when a response closes: an in-flight entry. */
export interface ClosingEntry {
  ended(): void
}

/**
 * The node servers' response class: it has a slot for the request's
 * in-flight entry and ends it when the response closes (finished, aborted
 * or hijacked alike), as a `close` listener would, without adding and
 * removing a listener on every response.
 *
 * @example
 * ```ts
 * const server = createServer({ ServerResponse: TrackedResponse })
 * ```
 */
export class TrackedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** The entry to end on close; set once per request, cleared as it ends. */
  closingEntry: ClosingEntry | undefined = undefined

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'close') {
      const entry = this.closingEntry
      if (entry !== undefined) {
        this.closingEntry = undefined
        entry.ended()
      }
    }
    return super.emit(event, ...args)
  }
}
