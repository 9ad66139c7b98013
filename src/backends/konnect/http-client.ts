import { setTimeout as delay } from 'node:timers/promises';
import { escapeControl } from '../../diagnostics/quote.js';
import { BackendError } from '../backend.js';
import { createIdempotently } from './create-idempotently.js';
import { HttpError, OutcomeUnknownError, UnreachableError } from './http-errors.js';
import { HttpTransport, NoAnswerError, type Answer, type AnswerHeaders } from './http-transport.js';
import { asProblem, describeErrorAnswer } from './problem.js';
import { encodeQuery, type QueryObject } from './query.js';
import type { RequestCounters } from './request-counters.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, isIdempotentMethod, isRetriableStatus, isSafeMethod, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import type { Redactor, Secret } from './secret.js';
import type { Semaphore } from './semaphore.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Items per list request (MAPPING 1.2 DECISION). */
export const PAGE_SIZE = 100;
/** A list longer than this many pages is a server that ignores `page[number]`, not a portal. */
const MAX_PAGES = 10_000;

export interface HttpClientOptions {
  /** Scheme, host and port (and a path prefix, if any), without a trailing slash. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (the admin API). */
  bearer?: Secret;
  timeoutMs: number;
  /** Bounds the requests in flight; shared by every client of one connection. */
  semaphore: Semaphore;
  counters: RequestCounters;
  /** Knows every secret of the connection; every message and debug line passes through it. */
  redactor: Redactor;
  retry?: RetryPolicy;
  /** A line per request and per retry (--debug). Never headers or bodies. */
  debug?: (line: string) => void;
  /** Added to the message of a 401, e.g. which variable holds the credential. */
  unauthorizedHint?: string;
  /** Injectable for tests: waiting, the jitter draw, the clock. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface RequestOptions {
  query?: QueryObject;
  /** Sent as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Extra headers (the session's Cookie). */
  headers?: Record<string, string>;
  /** A POST that is safe to repeat (logging in), even after a 500; other POSTs are never sent twice by the client. */
  repeatable?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: AnswerHeaders;
  body: T;
}

/** Konnect's list answer (MAPPING 1.2). */
interface Page<T> {
  data?: T[];
  meta?: { page?: { number?: number; size?: number; total?: number } };
}

type Attempt =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'transient'; reason: string; status?: number; retryAfterMs?: number };

/**
 * JSON over HTTP to one Konnect host, carefully: a timeout per request, a bound on requests in flight,
 * retries with backoff for transient failures of requests that are safe to repeat, POSTs never
 * repeated blindly, every error one line without secrets.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #policy: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #transport: HttpTransport;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#transport = new HttpTransport(options.baseUrl);
    this.#policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  async get<T>(path: string, query?: QueryObject): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PUT', path, { body })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  /**
   * Sends a create once. When the outcome is unknown (no answer, a timeout, 429 or 502–504) it throws
   * OutcomeUnknownError instead of repeating it; `createIdempotently` is the way to recover.
   */
  async postOnce<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, { body })).body;
  }

  /**
   * `post` (a `postOnce`), and after an unknown outcome: wait as a retry would, `findExisting` (a
   * re-list by the object's key), and POST again only when the object is not there.
   */
  createIdempotently<T>(post: () => Promise<T>, findExisting: () => Promise<T | undefined>): Promise<T> {
    return createIdempotently(post, findExisting, {
      attempts: this.#policy.attempts,
      wait: (retry, retryAfterMs) => this.#sleep(backoffDelayMs(this.#policy, retry, retryAfterMs, this.#random)),
      onRetry: () => {
        this.#options.counters.retried++;
      },
    });
  }

  /**
   * Every item of a list: `page[size]=100`, `page[number]=1,2,…`, until a page is empty, or shorter than
   * the page size, or `number * size` reaches `meta.page.total` (MAPPING 1.2 DECISION). The size is the
   * one the server says it used, so a server that caps it lower does not end the list early. Once a
   * page has given the total, the pages it implies are asked for together (--parallelism bounds
   * them), so a list of n pages costs about two round trips instead of n; they are read in order, with
   * the same rule, so a list that shrank meanwhile ends where a page says so, and one that grew goes on.
   */
  async listAll<T>(path: string, query: QueryObject = {}): Promise<T[]> {
    const pageAt = async (number: number): Promise<T[] & { ends: boolean; size: number; total?: number }> => {
      const page = await this.get<Page<T> | undefined>(path, { ...query, 'page[size]': PAGE_SIZE, 'page[number]': number });
      if (typeof page !== 'object' || page === null || !Array.isArray(page.data)) {
        throw new BackendError(this.#clean(`GET ${path}: the answer is not a list (no "data" array)`));
      }
      const meta = page.meta?.page;
      const size = typeof meta?.size === 'number' && meta.size > 0 ? meta.size : PAGE_SIZE;
      const total = typeof meta?.total === 'number' ? meta.total : undefined;
      const ends = page.data.length === 0 || page.data.length < size || (total !== undefined && number * size >= total);
      return Object.assign(page.data, { ends, size, total });
    };
    const items: T[] = [];
    let last = await pageAt(1);
    items.push(...last);
    for (let number = 1; !last.ends; ) {
      if (number >= MAX_PAGES) throw new BackendError(this.#clean(`GET ${path}: more than ${MAX_PAGES} pages; the server seems to ignore page[number]`));
      const through = last.total === undefined ? number + 1 : Math.min(MAX_PAGES, Math.max(number + 1, Math.ceil(last.total / last.size)));
      const pages = await Promise.all(Array.from({ length: through - number }, (_, i) => pageAt(number + 1 + i)));
      for (const page of pages) {
        items.push(...page);
        last = page;
        number++;
        if (page.ends) break;
      }
    }
    return items;
  }

  /** One request, retried while transient if repeating it is safe; the parsed JSON body, or undefined when empty. */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const target = `${path}${encodeQuery(options.query)}`;
    const label = this.#clean(`${method} ${readable(target)}`);
    const repeatable = isIdempotentMethod(method) || options.repeatable === true;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#options.semaphore.run(() => this.#attempt(method, target, label, options));
      if (outcome.kind === 'answer') return this.#answer<T>(label, outcome.answer);
      if (!repeatable) throw new OutcomeUnknownError(label, outcome.reason, outcome.status, outcome.retryAfterMs);
      if (attempt >= this.#policy.attempts) {
        throw new UnreachableError(`${label}: ${outcome.reason} (after ${attempt} attempts)`, outcome.status);
      }
      const wait = backoffDelayMs(this.#policy, attempt - 1, outcome.retryAfterMs, this.#random);
      this.#debug(`${label}: ${outcome.reason}; retry ${attempt} of ${this.#policy.attempts - 1} in ${wait} ms`);
      this.#options.counters.retried++;
      await this.#sleep(wait);
    }
  }

  /** Sends once and reads the whole answer; a dropped connection, a timeout or a transient status is `transient`. */
  async #attempt(method: HttpMethod, target: string, label: string, options: RequestOptions): Promise<Attempt> {
    const { bearer, timeoutMs, counters } = this.#options;
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...options.headers };
    if (bearer) headers.Authorization = `Bearer ${bearer.reveal()}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    counters.requests++;
    const started = this.#now();
    let answer: Answer;
    try {
      answer = await this.#transport.exchange({ method, target, headers, body, timeoutMs });
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      this.#debug(`${label} → ${error.message} after ${this.#now() - started} ms`);
      return { kind: 'transient', reason: this.#clean(error.message) };
    }
    const { status } = answer;
    this.#debug(`${label} → ${status} in ${this.#now() - started} ms`);
    if (isRetriableStatus(status) || (status === 500 && (isSafeMethod(method) || options.repeatable === true))) {
      return {
        kind: 'transient',
        reason: this.#clean(describeErrorAnswer(status, parseJson(answer.text), answer.text, answer.headers.get('content-type') ?? '')),
        status,
        retryAfterMs: parseRetryAfter(answer.headers.get('retry-after'), this.#now()),
      };
    }
    return { kind: 'answer', answer };
  }

  #answer<T>(label: string, answer: Answer): HttpResponse<T> {
    const { status, headers, text } = answer;
    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      if (text.trim() !== '' && json === NOT_JSON) {
        throw new BackendError(this.#clean(`${label}: ${status} answer is not JSON`), status);
      }
      return { status, headers, body: (json === NOT_JSON ? undefined : json) as T };
    }
    if (status >= 300 && status < 400) {
      const location = headers.get('location');
      throw new HttpError(this.#clean(`${label}: ${status} redirect${location ? ` to ${withoutQuery(location)}` : ''}, not followed`), status);
    }
    // Kept on the error for adapters to read, so it must hold no secret either.
    const body = json === NOT_JSON ? undefined : this.#options.redactor.redactValue(json);
    let message = `${label}: ${describeErrorAnswer(status, body, text, headers.get('content-type') ?? '')}`;
    if (status === 401 && this.#options.unauthorizedHint) message += ` (${this.#options.unauthorizedHint})`;
    throw new HttpError(this.#clean(message), status, asProblem(body));
  }

  #debug(line: string): void {
    this.#options.debug?.(this.#clean(line));
  }

  /** One line, no secret. */
  #clean(text: string): string {
    return escapeControl(this.#options.redactor.redact(text));
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** A path with its query decoded, as a person reads it (`filter[name][eq]=dev portal`). */
function readable(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

function withoutQuery(location: string): string {
  return location.replace(/[?#].*$/, '');
}
