import { quote } from '../../diagnostics/quote.js';
import { UserError } from '../../errors.js';
import { HttpError } from './http-errors.js';
import type { HttpClient } from './http-client.js';

/** The fields of a v3 portal the backend reads (MAPPING 3.0). */
export interface Portal {
  id: string;
  name: string;
  canonical_domain?: string;
  default_domain?: string;
  auto_approve_applications?: boolean;
  default_application_auth_strategy_id?: string | null;
  authentication_enabled?: boolean;
  rbac_enabled?: boolean;
  auto_approve_developers?: boolean;
  /** v3 only. */
  default_api_visibility?: 'public' | 'private';
  /** Classic (v2) only: the inverse of v3's authentication_enabled (MAPPING 4.0). */
  is_public?: boolean;
  labels?: Record<string, string>;
}

/** Names listed in a message before `…and N more`. */
const MAX_NAMES = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a flavour of portal is listed, and what messages call it. */
export interface PortalsApi {
  path: '/v3/portals' | '/v2/portals';
  name: string;
}
const V3_PORTALS: PortalsApi = { path: '/v3/portals', name: 'Dev Portal (v3)' };

/**
 * The portal `ref` names (MAPPING 3.0, 4.0): an id (`GET /v3/portals/{id}`), else a name
 * (`filter[name][eq]`); with no `ref`, the organisation's only portal. Not found, or several with no
 * `ref`, is one line listing the portals there are. `api`: the classic portals are under /v2.
 */
export async function resolvePortal(admin: HttpClient, ref: string | undefined, api: PortalsApi = V3_PORTALS): Promise<Portal> {
  if (ref === undefined) {
    const all = await admin.listAll<Portal>(api.path);
    if (all.length === 1) return all[0]!;
    if (all.length === 0) throw new UserError(`the Konnect organisation has no ${api.name} in this region; create one, or check --region / --konnect-url`);
    throw new UserError(`the organisation has ${all.length} portals (${names(all)}): choose one with --portal or the config's portal`);
  }
  if (UUID.test(ref)) {
    try {
      return await admin.get<Portal>(`${api.path}/${encodeURIComponent(ref)}`);
    } catch (error) {
      // A name may look like an id; look it up by name before saying it is not there.
      if (!(error instanceof HttpError && error.status === 404)) throw error;
    }
  }
  const found = await admin.listAll<Portal>(api.path, { filter: { name: { eq: ref } } });
  // Only exact matches count, in case a server treats the filter loosely.
  const exact = found.filter((p) => p.name === ref);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) throw new UserError(`${exact.length} portals are named ${quote(ref)}: give the portal's id instead`);
  const all = await admin.listAll<Portal>(api.path);
  const there = all.length === 0 ? 'the organisation has none in this region' : `portals: ${names(all)}`;
  throw new UserError(`no portal with the name or id ${quote(ref)} (${there})`);
}

/** The config's `portal` must name the portal read, when --portal chose another. */
export function checkConfigPortal(configured: string | undefined, portal: Portal): void {
  if (configured !== undefined && configured !== portal.name && configured !== portal.id) {
    throw new UserError(`the config's portal "${configured}" is not the portal read (${portal.name}, from --portal): give one of them only`);
  }
}

function names(portals: readonly Portal[]): string {
  const shown = portals.slice(0, MAX_NAMES).map((p) => quote(p.name));
  return portals.length > MAX_NAMES ? `${shown.join(', ')} …and ${portals.length - MAX_NAMES} more` : shown.join(', ');
}
