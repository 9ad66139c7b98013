/**
 * When and how long to wait before sending a request again (MAPPING 1.5 DECISION): 429, 502, 503,
 * 504 and dropped connections or timeouts are transient, and a 500 to a read; every other status is an answer.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first backoff's ceiling; it doubles per retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it, so one answer cannot stall a run for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

const RETRIABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUSES.has(status);
}

/**
 * Methods that only read: a 500 to one of them is worth another try, since repeating a read changes
 * nothing (a 500 to a write says nothing of whether it landed: its caller decides, see context.ts).
 */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Methods that may be sent again without asking: repeating them leaves the same result. POST is not one. */
export function isIdempotentMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry): the server's Retry-After
 * when it gave one (capped), else "full jitter" — a uniform draw from 0 up to the exponential ceiling,
 * which spreads many clients' retries apart.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * A Retry-After header as milliseconds: delta-seconds (`120`) or an HTTP date. Anything else (absent,
 * garbage, negative) is undefined, so the ordinary backoff applies.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
