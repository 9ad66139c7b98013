import { BackendError } from '../backend.js';
import type { DeveloperSession } from './developer-session.js';
import { HttpError, OutcomeUnknownError } from './http-errors.js';
import type { HttpClient } from './http-client.js';
import type { SessionOrReason } from './konnect-clients.js';
import type { Portal } from './portal.js';
import type { QueryObject } from './query.js';
import type { RequestCounters } from './request-counters.js';

/** The fields of an auth strategy (application-auth-strategies v2, MAPPING 2) the adapters read: the same API for both portals. */
export interface StrategyItem {
  id: string;
  name: string;
  display_name: string;
  strategy_type: 'key_auth' | 'openid_connect';
  configs: {
    'key-auth'?: {
      key_names?: string[];
      ttl?: { value: number; unit: 'days' | 'weeks' | 'years' } | null;
    };
    'openid-connect'?: Record<string, unknown>;
  };
  dcr_provider?: unknown;
  labels?: Record<string, string>;
}

/**
 * What the adapters of one read or one apply share on either Konnect portal (v3, classic): the
 * clients, the portal, each list read once (memoized), the auth strategies, and the developer session.
 */
export class KonnectContext {
  readonly #lists = new Map<string, Promise<unknown[]>>();
  /** Strategy id → type, as listed and written (an application without a strategy takes the only key-auth one). */
  readonly strategyTypes = new Map<string, string>();
  /** Strategy id → its labels as last read or written. */
  readonly strategyLabels = new Map<string, Record<string, string>>();
  #session?: SessionOrReason;

  constructor(
    readonly admin: HttpClient,
    readonly portal: Portal,
    readonly counters: RequestCounters,
    private readonly openSession: () => SessionOrReason,
  ) {}

  /** Every item of a list, read once per context (the HTTP client retries a 500 to a GET: it is safe to repeat). */
  list<T>(path: string, query: QueryObject = {}, read: () => Promise<T[]> = () => this.listFresh<T>(path, query)): Promise<T[]> {
    const key = `${path}?${JSON.stringify(query)}`;
    let found = this.#lists.get(key);
    if (found === undefined) {
      found = read();
      this.#lists.set(key, found);
      found.catch(() => this.#lists.delete(key));
    }
    return found as Promise<T[]>;
  }

  /** Every item of a list, read now. */
  async listFresh<T>(path: string, query: QueryObject = {}): Promise<T[]> {
    return this.admin.listAll<T>(path, query);
  }

  forget(path: string): void {
    for (const key of [...this.#lists.keys()]) if (key.startsWith(`${path}?`)) this.#lists.delete(key);
  }

  strategies = () => this.list<StrategyItem>('/v2/application-auth-strategies');

  /** The developer session, or a BackendError saying what is missing. */
  session(what: string): DeveloperSession {
    this.#session ??= this.openSession();
    if ('missing' in this.#session) throw new BackendError(`${what} needs a developer session: ${this.#session.missing}`, 400);
    return this.#session.session;
  }

  /** Why there is no developer session, if there is none. */
  sessionMissing(): string | undefined {
    this.#session ??= this.openSession();
    return 'missing' in this.#session ? this.#session.missing : undefined;
  }

  /** The session developer's email, when there is a session. */
  sessionEmail(): string | undefined {
    this.#session ??= this.openSession();
    return 'session' in this.#session ? this.#session.session.email : undefined;
  }
}

/**
 * A 500 answer to a write says nothing of whether it landed (the emulator, like a real server, may
 * fail after the work is done). A PATCH, PUT or DELETE is repeated (same result); a POST's 500 is an
 * unknown outcome, so createIdempotently looks for the object before sending it again. (A 500 to a
 * read is retried by the HTTP client itself.)
 */
export async function repeatOn500<T>(ctx: { counters: RequestCounters }, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 500) || attempt >= 3) throw error;
      ctx.counters.retried++;
    }
  }
}

export async function unknownOn500<T>(post: () => Promise<T>): Promise<T> {
  try {
    return await post();
  } catch (error) {
    if (error instanceof HttpError && error.status === 500)
      throw new OutcomeUnknownError(error.message.split(': ')[0] ?? 'POST', '500 Internal Server Error', 500);
    throw error;
  }
}

/** Runs a delete; a 404 means it is already gone, which is what was asked. */
export async function deleted(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 404)) throw error;
  }
}

/** The labels to send on a PATCH: the desired map, plus null for each live key to remove (MAPPING 1.4 DECISION). */
export function labelsUpdate(live: Record<string, string> | undefined, want: Record<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = { ...want };
  for (const key of Object.keys(live ?? {})) if (!(key in want)) out[key] = null;
  return out;
}
