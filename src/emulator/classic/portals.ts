import type { StoredPortal } from '../../backends/local/store-records.js';
import { ok } from '../http.js';
import { page } from '../listing.js';
import { renderPortal, updatePortalRoute } from '../routes/portals.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import type { EmulatorState } from '../state.js';
import { hasPortalProductVersion } from './portal-product-versions.js';

/**
 * The classic portal (6.2 #1–2, portal-management v2): the emulator's one portal in v2's shape. Its
 * domain is the v3 flavour's default_domain; no custom domains; `is_public` as the state says
 * (absent: false).
 */
export function renderClassicPortal(state: EmulatorState, id: string, p: StoredPortal) {
  const publishedProducts = new Set(
    state.engine
      .list('product_versions')
      .filter(([versionId, v]) => hasPortalProductVersion(versionId, v) && v.publish_status === 'published')
      .map(([, v]) => v.product_id),
  );
  return {
    id,
    ...stamps(p),
    name: p.name,
    display_name: p.display_name ?? p.name,
    description: null,
    default_domain: renderPortal(id, p).default_domain,
    is_public: p.is_public === true,
    rbac_enabled: p.rbac_enabled ?? false,
    auto_approve_applications: p.auto_approve_applications,
    auto_approve_developers: p.auto_approve_developers ?? false,
    custom_domain: null,
    custom_client_domain: null,
    default_application_auth_strategy_id: p.default_application_auth_strategy_id,
    labels: p.labels ?? {},
    application_count: state.engine.list('applications').length,
    developer_count: state.engine.list('developers').filter(([, d]) => d.portal_id === id).length,
    published_product_count: publishedProducts.size,
  };
}

const LIST = {
  filters: {
    id: 'uuid',
    name: 'string',
    description: 'string',
    is_public: 'boolean',
    rbac_enabled: 'boolean',
    auto_approve_developers: 'boolean',
    auto_approve_applications: 'boolean',
    default_domain: 'string',
    custom_domain: 'string',
    custom_client_domain: 'string',
  },
  sort: ['name', 'description', 'is_public', 'rbac_enabled', 'auto_approve_applications', 'auto_approve_developers', 'default_domain', 'custom_domain', 'custom_client_domain', 'created_at', 'updated_at'],
} as const;

export const classicPortalRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals',
    auth: 'admin',
    handle: (ctx, state) => {
      const portals = state.engine.list('portals').filter(([id]) => id === state.portalId);
      return ok(page(ctx, portals, LIST, ([id, p]) => (field) => (renderClassicPortal(state, id, p) as unknown as Record<string, string | boolean | null>)[field], ([id, p]) => renderClassicPortal(state, id, p)));
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      return ok(renderClassicPortal(state, state.portalId, state.engine.get('portals', state.portalId)));
    },
  },
  updatePortalRoute('/v2/portals/{portalId}', { is_public: { type: 'boolean' } }, renderClassicPortal),
];
