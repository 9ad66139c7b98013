import { UserError } from '../../errors.js';
import { escapeControl } from '../../diagnostics/quote.js';
import type { DeveloperCredentials } from './connection.js';
import { HttpError } from './http-errors.js';
import { PAGE_SIZE, type HttpClient, type HttpMethod, type HttpResponse, type RequestOptions } from './http-client.js';
import type { AnswerHeaders } from './http-transport.js';
import { Secret, type Redactor } from './secret.js';

/** The cookie the Portal API's authenticate sets and its client routes read (MAPPING 1.1). */
export const SESSION_COOKIE = 'portalaccesstoken';
export const AUTHENTICATE_PATH = '/api/v3/developer/authenticate';
/** The Portal API's version prefix: `/api/v3` for the v3 portal, `/api/v2` for the classic one. */
export type PortalApiPrefix = '/api/v3' | '/api/v2';

/**
 * A developer logged in to the portal's own API (`/api/v3/…`, or the classic `/api/v2/…`), which is
 * the only way to create and delete credentials (and, on the classic portal, applications and registrations). Logs in on first use (once, however many requests wait for it), sends the
 * `portalaccesstoken` cookie on every request, and logs in again once when a request answers 401
 * (the session expired). The cookie and the password never reach a message.
 */
export class DeveloperSession {
  readonly #client: HttpClient;
  readonly #credentials: DeveloperCredentials;
  readonly #redactor: Redactor;
  readonly #authenticatePath: string;
  #cookie: Promise<Secret> | undefined;

  constructor(client: HttpClient, credentials: DeveloperCredentials, redactor: Redactor, apiPrefix: PortalApiPrefix = '/api/v3') {
    this.#client = client;
    this.#authenticatePath = `${apiPrefix}/developer/authenticate`;
    this.#credentials = credentials;
    this.#redactor = redactor;
    redactor.add(credentials.password);
  }

  get email(): string {
    return this.#credentials.email;
  }

  /** Logs in now (if not yet), so that a missing or refused session shows before anything changes. */
  async login(): Promise<void> {
    await this.#session();
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body;
  }

  /** Every item of a client list (paged as the admin lists are, MAPPING 1.2). */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let number = 1; ; number++) {
      const page = await this.get<{ data?: T[]; meta?: { page?: { size?: number; total?: number } } } | undefined>(`${path}?page[size]=${PAGE_SIZE}&page[number]=${number}`);
      const data = Array.isArray(page?.data) ? page.data : [];
      items.push(...data);
      const size = page?.meta?.page?.size ?? PAGE_SIZE;
      const total = page?.meta?.page?.total;
      if (data.length === 0 || data.length < size || (total !== undefined && number * size >= total)) return items;
    }
  }

  /** A create, sent once (see HttpClient.postOnce); pair it with `createIdempotently`. */
  async postOnce<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, { body })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  createIdempotently<T>(post: () => Promise<T>, findExisting: () => Promise<T | undefined>): Promise<T> {
    return this.#client.createIdempotently(post, findExisting);
  }

  /** A request on a client route with the session's cookie; on a 401, one new login and one more try. */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const used = this.#session();
    try {
      return await this.#send<T>(method, path, options, await used);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 401) throw error;
      // A 401 answers before anything is done, so even a POST may be sent again. Only the first
      // request to see the expired cookie logs in again; the others wait for that login.
      if (this.#cookie === used) this.#cookie = undefined;
      return this.#send<T>(method, path, options, await this.#session());
    }
  }

  #send<T>(method: HttpMethod, path: string, options: RequestOptions, cookie: Secret): Promise<HttpResponse<T>> {
    return this.#client.request<T>(method, path, { ...options, headers: { ...options.headers, Cookie: `${SESSION_COOKIE}=${cookie.reveal()}` } });
  }

  #session(): Promise<Secret> {
    if (this.#cookie === undefined) {
      const login = this.#authenticate();
      this.#cookie = login;
      // A failed login is not kept: the next request tries again (and fails with the same line).
      login.catch(() => {
        if (this.#cookie === login) this.#cookie = undefined;
      });
    }
    return this.#cookie;
  }

  async #authenticate(): Promise<Secret> {
    const { email, password } = this.#credentials;
    const who = `developer login as ${escapeControl(email)} at ${this.#client.baseUrl}`;
    let response: HttpResponse;
    try {
      // Logging in twice does no harm, so this POST may be retried like a GET.
      response = await this.#client.request('POST', this.#authenticatePath, { body: { username: email, password: password.reveal() }, repeatable: true });
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 400 || error.status === 404)) {
        const hint = error.status === 404 ? ' (is --portal-url the portal’s own URL?)' : ' (check KONNECT_PORTAL_EMAIL and KONNECT_PORTAL_PASSWORD)';
        throw new UserError(`${who} failed: ${afterRequest(error.message)}${hint}`, undefined, { cause: error });
      }
      throw error;
    }
    const cookie = sessionCookie(response.headers);
    if (cookie === undefined) {
      throw new UserError(`${who}: the answer (${response.status}) set no ${SESSION_COOKIE} cookie`);
    }
    const secret = new Secret(cookie);
    this.#redactor.add(secret);
    return secret;
  }
}

/** The value of `portalaccesstoken` among the Set-Cookie headers, if any. */
export function sessionCookie(headers: AnswerHeaders): string | undefined {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = pair.slice(eq + 1).trim();
      if (value !== '') return value;
    }
  }
  return undefined;
}

/** `POST /api/v3/developer/authenticate: 401 …` → `401 …`: the message already says it was the login. */
function afterRequest(message: string): string {
  const at = message.indexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}
