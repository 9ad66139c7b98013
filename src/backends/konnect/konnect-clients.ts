import type { KonnectConnection } from './connection.js';
import { DeveloperSession, type PortalApiPrefix } from './developer-session.js';
import { HttpClient, type HttpClientOptions } from './http-client.js';
import type { Portal } from './portal.js';
import { newRequestCounters, type RequestCounters } from './request-counters.js';
import type { RetryPolicy } from './retry-policy.js';
import { Redactor } from './secret.js';
import { Semaphore } from './semaphore.js';

/** What a caller may inject: the --debug sink, and for tests the clock, jitter and retry policy. */
export interface KonnectClientHooks {
  debug?: (line: string) => void;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** A developer session, or why there is none (for the plan to say, and apply to refuse on). */
export type SessionOrReason = { session: DeveloperSession; portalUrl: string } | { missing: string };

/** The HTTP side of one konnect backend: the admin client, and the developer session when it can be had. */
export interface KonnectClients {
  readonly admin: HttpClient;
  /** Requests made and retried, over the admin client and the session together. */
  readonly counters: RequestCounters;
  /**
   * The session on `--portal-url`, else on the portal's canonical domain over https. One per call: keep it.
   * `apiPrefix`: the Portal API's version (the classic portal's is /api/v2); `needs`: what a missing session stops.
   */
  developerSession(portal: Portal, apiPrefix?: PortalApiPrefix, needs?: string): SessionOrReason;
}

/**
 * The clients a connection (from `connectionFromOptions`) needs. The admin client and the session
 * share one bound on requests in flight (--parallelism), one set of counters and one redactor.
 */
export function openKonnectClients(connection: KonnectConnection, hooks: KonnectClientHooks = {}): KonnectClients {
  const redactor = new Redactor();
  redactor.add(connection.token);
  const counters = newRequestCounters();
  const shared: Omit<HttpClientOptions, 'baseUrl'> = {
    timeoutMs: connection.timeoutMs,
    semaphore: new Semaphore(connection.parallelism),
    counters,
    redactor,
    ...hooks,
  };
  const admin = new HttpClient({
    ...shared,
    baseUrl: connection.adminUrl,
    bearer: connection.token,
    unauthorizedHint: 'check KONNECT_TOKEN, and --region or --konnect-url',
  });
  return {
    admin,
    counters,
    developerSession(portal, apiPrefix = '/api/v3', needs = 'to create or delete credentials') {
      if (connection.developer === undefined) {
        return { missing: `set KONNECT_PORTAL_EMAIL and KONNECT_PORTAL_PASSWORD (an approved developer of the portal) ${needs}` };
      }
      const domain = portal.canonical_domain ?? portal.default_domain;
      const portalUrl = connection.portalUrl ?? (domain ? `https://${domain}` : undefined);
      if (portalUrl === undefined) return { missing: `the portal ${portal.name} has no domain: give its URL with --portal-url` };
      const client = new HttpClient({ ...shared, baseUrl: portalUrl });
      return { session: new DeveloperSession(client, connection.developer, redactor, apiPrefix), portalUrl };
    },
  };
}
