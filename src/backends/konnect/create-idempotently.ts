import { OutcomeUnknownError, UnreachableError } from './http-errors.js';

/** How `createIdempotently` paces its attempts: a client passes its own retry policy and clock. */
export interface CreateRetry {
  /** POSTs in all, the first included. */
  attempts: number;
  /** Waits before looking again after the `retry`-th unknown outcome (0-based), honouring Retry-After. */
  wait(retry: number, retryAfterMs: number | undefined): Promise<void>;
  /** Called before each re-sent POST (to count it). */
  onRetry?(): void;
}

/**
 * Creates an object without ever creating it twice. `post` sends the create once (a client's
 * `postOnce`); when its outcome is unknown (the connection dropped, a gateway timed out), this waits,
 * then asks `findExisting` (a re-list, matching the object by its key) whether the create landed after
 * all, and returns what it finds; only when it is not there is the POST sent again. Any other error
 * — an answer such as 400 or 409 — is thrown as it is.
 */
export async function createIdempotently<T>(
  post: () => Promise<T>,
  findExisting: () => Promise<T | undefined>,
  retry: CreateRetry,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      await retry.wait(attempt - 1, error.retryAfterMs);
      const existing = await findExisting();
      if (existing !== undefined) return existing;
      if (attempt >= retry.attempts) {
        throw new UnreachableError(`${error.request}: ${error.reason} (after ${attempt} attempts; the object was not created)`, error.status);
      }
      retry.onRetry?.();
    }
  }
}
