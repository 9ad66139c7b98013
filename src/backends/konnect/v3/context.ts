import { KonnectContext } from '../context.js';
import type { SessionOrReason } from '../konnect-clients.js';
import type { HttpClient } from '../http-client.js';
import type { Portal } from '../portal.js';
import type { RequestCounters } from '../request-counters.js';
import type { ApiItem, AppItem, CredentialItem, DeveloperItem, PublicationItem, RegistrationItem, TeamDeveloperItem, TeamItem } from './wire.js';

export { deleted, labelsUpdate, repeatOn500, unknownOn500 } from '../context.js';

/** Label keys portalctl keeps on Konnect objects besides the namespace (MAPPING 1.4, M8, M14). */
export const REFERENCE_LABEL = 'portalctl-reference-id';
export const PROTECTED_LABEL = 'portalctl-protected';
/** A product is its APIs (M2): its protection lives on each of them, apart from the version's own. */
export const PRODUCT_PROTECTED_LABEL = 'portalctl-product-protected';

/** Which applications' credentials are read: Konnect lists them per application only. */
export type CredentialScope = 'all' | ReadonlySet<string>;

/**
 * What the v3 adapters of one read or one apply share besides KonnectContext's: the portal's path,
 * and what the writes keep current (product settings, API labels) so that a write costs no listing.
 */
export class V3Context extends KonnectContext {
  readonly portalPath: string;
  /** Product name → what its last create or update wrote (the description and labels its new APIs copy). */
  readonly products = new Map<string, { description: string; labels: Record<string, string>; protected: boolean }>();
  /** API id → its labels as last read or written. */
  readonly apiLabels = new Map<string, Record<string, string>>();
  /** API id → product name; product name → its API ids. */
  readonly apiProduct = new Map<string, string>();
  /** Ids of the objects the adapters listed (children of anything else are not shown). */
  readonly listedApps = new Set<string>();
  readonly listedApis = new Set<string>();
  credentialScope: CredentialScope = 'all';

  constructor(admin: HttpClient, portal: Portal, counters: RequestCounters, openSession: () => SessionOrReason) {
    super(admin, portal, counters, openSession);
    this.portalPath = `/v3/portals/${encodeURIComponent(portal.id)}`;
  }

  apis = () => this.list<ApiItem>('/v3/apis');
  publications = () => this.list<PublicationItem>(`${this.portalPath}/api-publications`);
  applications = () => this.list<AppItem>(`${this.portalPath}/applications`);
  registrations = () => this.list<RegistrationItem>(`${this.portalPath}/application-registrations`);
  developers = () => this.list<DeveloperItem>(`${this.portalPath}/developers`);
  teams = () => this.list<TeamItem>(`${this.portalPath}/teams`);
  teamPath = (teamId: string) => `${this.portalPath}/teams/${encodeURIComponent(teamId)}`;
  teamDevelopers = (teamId: string) => this.list<TeamDeveloperItem>(`${this.teamPath(teamId)}/developers`);
  credentialsOf = (appId: string) => this.list<CredentialItem>(`${this.portalPath}/applications/${encodeURIComponent(appId)}/credentials`);
}

/** Labels without portalctl's own keys (except the namespace, which the generic layer reads as the owner). */
export function userLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const { [REFERENCE_LABEL]: _r, [PROTECTED_LABEL]: _p, [PRODUCT_PROTECTED_LABEL]: _pp, ...rest } = labels ?? {};
  return rest;
}

export function withProtection(labels: Record<string, string>, key: string, isProtected: boolean): Record<string, string> {
  return isProtected ? { ...labels, [key]: 'true' } : labels;
}
