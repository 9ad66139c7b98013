import type { StoredPortal } from '../../backends/local/store-records.js';
import { badRequest, notFound, ok } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, mergeLabels, type Fields } from '../validate.js';
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
    rbac_enabled: p.rbac_enabled ?? false,
    sipr_enabled: false,
    default_api_visibility: p.default_api_visibility ?? 'private',
    default_page_visibility: 'private',
    default_application_auth_strategy_id: p.default_application_auth_strategy_id,
    auto_approve_developers: p.auto_approve_developers ?? false,
    auto_approve_applications: p.auto_approve_applications,
    default_domain: domain,
    canonical_domain: domain,
    labels: p.labels ?? {},
    ...stamps(p),
  };
}

/**
 * What update-portal may change here, in both flavours: the settings the emulator keeps, and labels
 * (merged; null deletes a key: MAPPING 1.4 DECISION). The spec's other settings are not served (400
 * unknown_property). Each flavour adds the settings only it has.
 */
const UPDATE: Fields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  display_name: { type: 'string', minLength: 1, maxLength: 255 },
  auto_approve_applications: { type: 'boolean' },
  rbac_enabled: { type: 'boolean' },
  auto_approve_developers: { type: 'boolean' },
  default_application_auth_strategy_id: { type: 'string', format: 'uuid', nullable: true },
  labels: { type: 'labels', update: true, nullable: true },
};

type PortalUpdate = Partial<
  Pick<StoredPortal, 'name' | 'display_name' | 'authentication_enabled' | 'is_public' | 'auto_approve_applications' | 'default_application_auth_strategy_id' | 'rbac_enabled' | 'auto_approve_developers' | 'default_api_visibility'>
> & {
  labels?: Record<string, string | null> | null;
};

/** update-portal at `path` (v3 or v2), with the flavour's own settings, answering the portal as `render` shapes it. */
export function updatePortalRoute(path: string, settings: Fields, render: (state: EmulatorState, id: string, p: StoredPortal) => unknown): Route {
  return {
    method: 'PATCH',
    path,
    auth: 'admin',
    handle: (ctx, state) => {
      if (ctx.params.portalId !== state.portalId) throw notFound();
      const body = checkBody<PortalUpdate>(ctx.body, { ...UPDATE, ...settings });
      const portal = state.engine.get('portals', state.portalId);
      const strategy = body.default_application_auth_strategy_id;
      if (typeof strategy === 'string' && !state.engine.has('auth_strategies', strategy)) {
        throw badRequest([{ field: 'default_application_auth_strategy_id', rule: 'missing_reference', reason: `auth strategy ${strategy} does not exist`, source: 'body' }]);
      }
      const { labels, ...changed } = body;
      const changes = { ...changed, ...(labels !== undefined && { labels: mergeLabels(portal.labels ?? {}, labels) }) };
      engineCall(() => state.engine.update('portals', state.portalId, changes));
      return ok(render(state, state.portalId, state.engine.get('portals', state.portalId)));
    },
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
  updatePortalRoute(
    '/v3/portals/{portalId}',
    { authentication_enabled: { type: 'boolean' }, default_api_visibility: { type: 'string', enum: ['public', 'private'] } },
    (_, id, p) => renderPortal(id, p),
  ),
];

export type { EmulatorState };
