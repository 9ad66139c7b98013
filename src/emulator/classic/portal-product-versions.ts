import { createHash, randomUUID } from 'node:crypto';
import type { StoredProductVersion } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { strategySummary } from '../routes/applications.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, type Fields } from '../validate.js';

/**
 * Portal product versions (6.2 #18–22, 6.3 #21): a version's settings on the portal, kept on the
 * version (publish_status, deprecated, registration). The path's `{productVersionId}` is the API
 * product version's id (the spec's parameter text). DECISIONS: one per version (a second → 409);
 * a product need not list the portal in `portal_ids` first (UNCLEAR-17); a delete resets the
 * settings and leaves existing registrations in place; the timestamps are the version's.
 */
const NONE = { publish_status: 'unpublished', deprecated: false, registration: { enabled: false, auth_strategy_id: null, auto_approve: false } } as const;

/** Whether a version has a portal product version (see StoredProductVersion.portal_product_version_id). */
export function hasPortalProductVersion(_id: string, v: StoredProductVersion): boolean {
  return v.portal_product_version_id !== undefined || v.publish_status === 'published' || v.deprecated || v.registration.enabled || v.registration.auth_strategy_id !== null;
}

/** Its id: the one created, or one derived from the version's (stable across restarts). */
export function portalProductVersionId(versionId: string, v: StoredProductVersion): string {
  return v.portal_product_version_id ?? derivedUuid(`portal-product-version:${versionId}`);
}

/** A UUID (v5-shaped) derived from a name: the same name, the same id. */
export function derivedUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function renderPortalProductVersion(state: EmulatorState, versionId: string, v: StoredProductVersion) {
  const strategy = v.registration.auth_strategy_id;
  return {
    id: portalProductVersionId(versionId, v),
    publish_status: v.publish_status,
    product_version_id: versionId,
    ...stamps(v),
    auth_strategies: strategy !== null && state.engine.has('auth_strategies', strategy) ? [strategySummary(state, strategy)] : [],
    application_registration_enabled: v.registration.enabled,
    auto_approve_registration: v.registration.auto_approve,
    deprecated: v.deprecated,
  };
}

/** The path's version, when it has a portal product version; else 404. */
function portalProductVersionOf(ctx: Ctx, state: EmulatorState): [string, StoredProductVersion] {
  checkPortal(ctx, state);
  const id = ctx.params.productVersionId!;
  if (!state.engine.has('product_versions', id)) throw notFound();
  const v = state.engine.get('product_versions', id);
  if (!hasPortalProductVersion(id, v)) throw notFound();
  return [id, v];
}

const SETTINGS: Fields = {
  publish_status: { type: 'string', enum: ['published', 'unpublished'] },
  auth_strategy_ids: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 0, maxItems: 1 },
  application_registration_enabled: { type: 'boolean' },
  auto_approve_registration: { type: 'boolean' },
  deprecated: { type: 'boolean' },
};

interface SettingsBody {
  publish_status?: StoredProductVersion['publish_status'];
  auth_strategy_ids?: string[];
  application_registration_enabled?: boolean;
  auto_approve_registration?: boolean;
  deprecated?: boolean;
}

/** The store's fields for a body's settings, over the current ones; an unknown strategy is a 400. */
function settings(state: EmulatorState, body: SettingsBody, current: Pick<StoredProductVersion, 'publish_status' | 'deprecated' | 'registration'>) {
  const strategy = body.auth_strategy_ids === undefined ? current.registration.auth_strategy_id : (body.auth_strategy_ids[0] ?? null);
  if (strategy !== null && !state.engine.has('auth_strategies', strategy)) {
    throw badRequest([{ field: 'auth_strategy_ids[0]', rule: 'missing_reference', reason: `auth strategy ${strategy} does not exist`, source: 'body' }]);
  }
  return {
    publish_status: body.publish_status ?? current.publish_status,
    deprecated: body.deprecated ?? current.deprecated,
    registration: {
      enabled: body.application_registration_enabled ?? current.registration.enabled,
      auth_strategy_id: strategy,
      auto_approve: body.auto_approve_registration ?? current.registration.auto_approve,
    },
  };
}

const LIST = {
  filters: {
    id: 'uuid',
    publish_status: 'string',
    product_version_id: 'uuid',
    created_at: 'datetime',
    updated_at: 'datetime',
    auth_strategy_ids: 'uuid',
    application_registration_enabled: 'boolean',
    auto_approve_registration: 'boolean',
    deprecated: 'boolean',
  },
  sort: ['created_at', 'updated_at', 'publish_status', 'product_version_id', 'auth_strategy_ids', 'application_registration_enabled', 'auto_approve_registration', 'deprecated'],
} as const;

export const portalProductVersionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/product-versions',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const present = state.engine.list('product_versions').filter(([id, v]) => hasPortalProductVersion(id, v));
      return ok(
        page(
          ctx,
          present,
          LIST,
          ([id, v]) =>
            (field) => {
              const r = renderPortalProductVersion(state, id, v);
              return field === 'auth_strategy_ids' ? (v.registration.auth_strategy_id ?? null) : (r as unknown as Record<string, string | boolean | null>)[field];
            },
          ([id, v]) => renderPortalProductVersion(state, id, v),
        ),
      );
    },
  },
  {
    method: 'POST',
    path: '/v2/portals/{portalId}/product-versions',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const body = checkBody<SettingsBody & { product_version_id: string }>(
        ctx.body,
        { ...SETTINGS, product_version_id: { type: 'string', format: 'uuid' } },
        ['publish_status', 'application_registration_enabled', 'auto_approve_registration', 'product_version_id', 'deprecated', 'auth_strategy_ids'],
      );
      const id = body.product_version_id;
      if (!state.engine.has('product_versions', id)) throw badRequest([{ field: 'product_version_id', rule: 'missing_reference', reason: `product version ${id} does not exist`, source: 'body' }]);
      const v = state.engine.get('product_versions', id);
      if (hasPortalProductVersion(id, v)) throw conflict('The product version already has a portal product version in this portal');
      engineCall(() => state.engine.update('product_versions', id, { ...settings(state, body, NONE), portal_product_version_id: randomUUID() }));
      return ok(renderPortalProductVersion(state, id, state.engine.get('product_versions', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/product-versions/{productVersionId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = portalProductVersionOf(ctx, state);
      return ok(renderPortalProductVersion(state, id, v));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/portals/{portalId}/product-versions/{productVersionId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = portalProductVersionOf(ctx, state);
      const body = checkBody<SettingsBody>(ctx.body, { ...SETTINGS, notify_developers: { type: 'boolean' } });
      // Pin the id, so a derived one stays the same when the settings return to "none".
      engineCall(() => state.engine.update('product_versions', id, { ...settings(state, body, v), portal_product_version_id: portalProductVersionId(id, v) }));
      return ok(renderPortalProductVersion(state, id, state.engine.get('product_versions', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/product-versions/{productVersionId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = portalProductVersionOf(ctx, state);
      engineCall(() => state.engine.update('product_versions', id, { ...NONE, registration: { ...NONE.registration }, portal_product_version_id: undefined }));
      return noContent();
    },
  },
];
