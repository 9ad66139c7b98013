import { BackendError } from '../../backend.js';
import type { SessionOrReason } from '../konnect-clients.js';
import { HttpError, OutcomeUnknownError } from '../http-errors.js';
import type { HttpClient } from '../http-client.js';
import type { Portal } from '../portal.js';
import type { QueryObject } from '../query.js';
import type { RequestCounters } from '../request-counters.js';
import type { DeveloperSession } from '../developer-session.js';
import type { ApiItem, AppItem, CredentialItem, DeveloperItem, PublicationItem, RegistrationItem, StrategyItem, TeamItem } from './wire.js';

/** Label keys portalctl keeps on Konnect objects besides the namespace (MAPPING 1.4, M8, M14). */
export const REFERENCE_LABEL = 'portalctl-reference-id';
export const PROTECTED_LABEL = 'portalctl-protected';
/** A product is its APIs (M2): its protection lives on each of them, apart from the version's own. */
export const PRODUCT_PROTECTED_LABEL = 'portalctl-product-protected';

/** Which applications' credentials are read: Konnect lists them per application only. */
export type CredentialScope = 'all' | ReadonlySet<string>;

/**
 * What the v3 adapters of one read or one apply share: the clients, the portal, and each list read
 * once (memoized), kept current by the writes so that a write costs no listing.
 */
export class V3Context {
  readonly portalPath: string;
  readonly #lists = new Map<string, Promise<unknown[]>>();
  /** Product name → what its last create or update wrote (the description and labels its new APIs copy). */
  readonly products = new Map<string, { description: string; labels: Record<string, string>; protected: boolean }>();
  /** API id → its labels as last read or written. */
  readonly apiLabels = new Map<string, Record<string, string>>();
  /** API id → product name; product name → its API ids. */
  readonly apiProduct = new Map<string, string>();
  /** Ids of the objects the adapters listed (children of anything else are not shown). */
  readonly listedApps = new Set<string>();
  readonly listedApis = new Set<string>();
  /** Strategy id → type, as listed and written (an application without a strategy takes the only key-auth one). */
  readonly strategyTypes = new Map<string, string>();
  /** Strategy id → its labels as last read or written. */
  readonly strategyLabels = new Map<string, Record<string, string>>();
  credentialScope: CredentialScope = 'all';
  #session?: SessionOrReason;

  constructor(
    readonly admin: HttpClient,
    readonly portal: Portal,
    readonly counters: RequestCounters,
    private readonly openSession: () => SessionOrReason,
  ) {
    this.portalPath = `/v3/portals/${encodeURIComponent(portal.id)}`;
  }

  /** Every item of a list, read once per context; a 500 on a read is retried (a GET is safe to repeat). */
  list<T>(path: string, query: QueryObject = {}): Promise<T[]> {
    const key = `${path}?${JSON.stringify(query)}`;
    let found = this.#lists.get(key);
    if (found === undefined) {
      found = this.listFresh<T>(path, query);
      this.#lists.set(key, found);
      found.catch(() => this.#lists.delete(key));
    }
    return found as Promise<T[]>;
  }

  /** Every item of a list, read now. */
  async listFresh<T>(path: string, query: QueryObject = {}): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.admin.listAll<T>(path, query);
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 500) || attempt >= 3) throw error;
        this.counters.retried++;
      }
    }
  }

  forget(path: string): void {
    for (const key of [...this.#lists.keys()]) if (key.startsWith(`${path}?`)) this.#lists.delete(key);
  }

  strategies = () => this.list<StrategyItem>('/v2/application-auth-strategies');
  apis = () => this.list<ApiItem>('/v3/apis');
  publications = () => this.list<PublicationItem>(`${this.portalPath}/api-publications`);
  applications = () => this.list<AppItem>(`${this.portalPath}/applications`);
  registrations = () => this.list<RegistrationItem>(`${this.portalPath}/application-registrations`);
  developers = () => this.list<DeveloperItem>(`${this.portalPath}/developers`);
  teams = () => this.list<TeamItem>(`${this.portalPath}/teams`);
  credentialsOf = (appId: string) => this.list<CredentialItem>(`${this.portalPath}/applications/${encodeURIComponent(appId)}/credentials`);

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
 * unknown outcome, so createIdempotently looks for the object before sending it again.
 */
export async function repeatOn500<T>(ctx: V3Context, write: () => Promise<T>): Promise<T> {
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

/** Labels without portalctl's own keys (except the namespace, which the generic layer reads as the owner). */
export function userLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const { [REFERENCE_LABEL]: _r, [PROTECTED_LABEL]: _p, [PRODUCT_PROTECTED_LABEL]: _pp, ...rest } = labels ?? {};
  return rest;
}

export function withProtection(labels: Record<string, string>, key: string, isProtected: boolean): Record<string, string> {
  return isProtected ? { ...labels, [key]: 'true' } : labels;
}
