import { KonnectContext } from '../context.js';
import type { HttpClient } from '../http-client.js';
import type { SessionOrReason } from '../konnect-clients.js';
import type { Portal } from '../portal.js';
import type { RequestCounters } from '../request-counters.js';
import type { AppItem, CredentialItem, DeveloperItem, ProductItem, RegistrationItem, TeamDeveloperItem, TeamItem, VersionItem } from './wire.js';

/** Which applications' credentials are read: the Portal API lists them per application only. */
export type CredentialScope = 'all' | ReadonlySet<string>;

/**
 * Who owns the session developer's applications (MAPPING M11: classic applications carry no labels):
 * the namespace of the run, kept by the backend across its reads and writes.
 */
export interface SessionOwner {
  namespace: string;
  /** Neither --namespace nor a config named it (dump): the first read settles it (namespaceOfTheRest). */
  guessed?: boolean;
}

/**
 * What the classic adapters of one read or one apply share besides KonnectContext's: the portal's
 * path, the lists, and what the writes keep current (labels, portals, which versions have a portal
 * product version, which applications are the session developer's) so that a write costs no listing.
 */
export class ClassicContext extends KonnectContext {
  readonly portalPath: string;
  /** Product id → its labels and portal ids as last read or written. */
  readonly productLabels = new Map<string, Record<string, string>>();
  readonly productPortals = new Map<string, string[]>();
  /** Version id → its labels as last read or written. */
  readonly versionLabels = new Map<string, Record<string, string>>();
  /** Version id → its product's id; versions with a portal product version on this portal. */
  readonly versionProduct = new Map<string, string>();
  readonly portalVersions = new Set<string>();
  /** Application ids listed; those of the session developer (the namespace's, M11). */
  readonly listedApps = new Set<string>();
  readonly sessionApps = new Set<string>();
  credentialScope: CredentialScope = 'all';

  constructor(
    admin: HttpClient,
    portal: Portal,
    counters: RequestCounters,
    openSession: () => SessionOrReason,
    readonly owner: SessionOwner,
  ) {
    super(admin, portal, counters, openSession);
    this.portalPath = `/v2/portals/${encodeURIComponent(portal.id)}`;
  }

  products = () => this.list<ProductItem>('/v2/api-products');
  versionsOf = (productId: string) => this.list<VersionItem>(`/v2/api-products/${encodeURIComponent(productId)}/product-versions`);
  applications = () => this.list<AppItem>(`${this.portalPath}/applications`);
  registrations = () => this.list<RegistrationItem>(`${this.portalPath}/application-registrations`);
  developers = () => this.list<DeveloperItem>(`${this.portalPath}/developers`);
  teams = () => this.list<TeamItem>(`${this.portalPath}/teams`);
  teamPath = (teamId: string) => `${this.portalPath}/teams/${encodeURIComponent(teamId)}`;
  teamDevelopers = (teamId: string) => this.list<TeamDeveloperItem>(`${this.teamPath(teamId)}/developers`);
  /** The Portal API lists an application's credentials only to the developer who owns it (MAPPING 4.5). */
  credentialsOf = (appId: string) => {
    const path = clientCredentialsPath(appId);
    return this.list<CredentialItem>(path, {}, () => this.sessionList<CredentialItem>(path, 'reading the credentials of an application'));
  };

  /** Every item of a Portal API list, read now through the session (a 500 is retried by the HTTP client, as on the admin lists). */
  sessionList<T>(path: string, what: string): Promise<T[]> {
    const session = this.session(what);
    return session.listAll<T>(path);
  }

  /** Whether an application is the session developer's, by its developer's email (M11). */
  isSessionDevelopers(app: AppItem): boolean {
    const email = this.sessionEmail();
    return email !== undefined && app.developer?.email?.toLowerCase() === email.toLowerCase();
  }
}

export const clientApplicationPath = (appId: string) => `/api/v2/applications/${encodeURIComponent(appId)}`;
export const clientCredentialsPath = (appId: string) => `${clientApplicationPath(appId)}/credentials`;

/** Label keys portalctl keeps on classic objects besides the namespace (the same as on v3 objects, MAPPING M14). */
export { PROTECTED_LABEL, userLabels, withProtection } from '../v3/context.js';
