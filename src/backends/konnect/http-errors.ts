import { BackendError } from '../backend.js';
import type { Problem } from './problem.js';

/**
 * Konnect answered a request with an error status. The message is one line,
 * `<METHOD> <path>: <status> <title>: <detail>; <field>: <reason>…`; adapters branch on `status`
 * (404 gone, 409 conflict) and may read the `problem` body.
 */
export class HttpError extends BackendError {
  constructor(
    message: string,
    override readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message, status);
    this.name = 'HttpError';
  }
}

/**
 * A request got no answer (a dropped connection, a timeout) or a transient one (429, 502–504) after
 * every attempt the retry policy allows.
 */
export class UnreachableError extends BackendError {
  constructor(message: string, status?: number) {
    super(message, status);
    this.name = 'UnreachableError';
  }
}

/**
 * A POST that may or may not have taken effect: it was sent, and what came back (nothing, a timeout, a
 * 429 or a 5xx from a gateway) does not say. Sending it again could create a duplicate, so the caller
 * looks for the object by its key first (`createIdempotently`).
 */
export class OutcomeUnknownError extends BackendError {
  constructor(
    /** `POST /path`, as messages show it. */
    readonly request: string,
    /** What came back instead of an answer: `no answer within 30000 ms`, `503 Service Unavailable`. */
    readonly reason: string,
    status: number | undefined,
    /** The server's Retry-After, in milliseconds, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(`${request}: ${reason}; the object may or may not have been created`, status);
    this.name = 'OutcomeUnknownError';
  }
}
