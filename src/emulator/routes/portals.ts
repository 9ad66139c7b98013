import type { StoredPortal } from '../../backends/local/store-records.js';
import { notFound, ok } from '../http.js';
import { page } from '../listing.js';
import type { EmulatorState } from '../state.js';
import { stamps, type Route } from './route.js';

/** The portal (6.1 #1–2): one, `default` unless the state names another. canonical_domain has no port (MAPPING 6 DECISION). */
export function renderPortal(id: string, p: StoredPortal) {
  const domain = `${p.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}.portal.localhost`;
  return {
    id,
    name: p.name,
    display_name: p.display_name ?? p.name,
    description: null,
    authentication_enabled: p.authentication_enabled,
    rbac_enabled: false,
    sipr_enabled: false,
    default_api_visibility: 'private',
    default_page_visibility: 'private',
    default_application_auth_strategy_id: p.default_application_auth_strategy_id,
    auto_approve_developers: false,
    auto_approve_applications: p.auto_approve_applications,
    default_domain: domain,
    canonical_domain: domain,
    labels: {},
    ...stamps(p),
  };
}

const LIST = {
  filters: {
    id: 'uuid',
    name: 'string',
    authentication_enabled: 'boolean',
    rbac_enabled: 'boolean',
    default_api_visibility: 'string',
    default_page_visibility: 'string',
    default_application_auth_strategy_id: 'uuid',
    auto_approve_developers: 'boolean',
    auto_approve_applications: 'boolean',
    default_domain: 'string',
    canonical_domain: 'string',
  },
  sort: ['name', 'created_at', 'updated_at'],
} as const;

export const portalRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals',
    auth: 'admin',
    handle: (ctx, state) => {
      const portals = state.engine.list('portals').filter(([id]) => id === state.portalId);
      return ok(page(ctx, portals, LIST, ([id, p]) => (field) => (renderPortal(id, p) as unknown as Record<string, string | boolean | null>)[field], ([id, p]) => renderPortal(id, p)));
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}',
    auth: 'admin',
    handle: (ctx, state) => {
      if (ctx.params.portalId !== state.portalId) throw notFound();
      return ok(renderPortal(state.portalId, state.engine.get('portals', state.portalId)));
    },
  },
];

export type { EmulatorState };
