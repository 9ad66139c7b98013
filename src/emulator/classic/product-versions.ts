import type { StoredProductVersion } from '../../backends/local/store-records.js';
import { badRequest, noContent, notFound, ok, type Ctx, type InvalidParameter } from '../http.js';
import { page } from '../listing.js';
import { stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, createdLabels, mergeLabels, type Fields } from '../validate.js';
import { hasPortalProductVersion, portalProductVersionId } from './portal-product-versions.js';
import { productOf } from './products.js';

/**
 * API product versions (6.2 #13–17) over the store's product versions. The version's `portals[]`
 * is its portal product version on the emulator's portal, if it has one. DECISIONS: the emulator has
 * no gateway services (a non-null `gateway_service` → 400 missing_reference); the deprecated body
 * fields `publish_status` and `deprecated` → 400, since they live on the portal product version
 * (the version's own fields answer its values); a version's labels are its own.
 */
export function renderVersion(state: EmulatorState, id: string, v: StoredProductVersion) {
  const portal = state.engine.get('portals', state.portalId);
  const strategy = v.registration.auth_strategy_id;
  const portals = hasPortalProductVersion(id, v)
    ? [
        {
          portal_id: state.portalId,
          portal_name: portal.name,
          portal_product_version_id: portalProductVersionId(id, v),
          publish_status: v.publish_status,
          deprecated: v.deprecated,
          application_registration_enabled: v.registration.enabled,
          auto_approve_registration: v.registration.auto_approve,
          auth_strategies: strategy !== null && state.engine.has('auth_strategies', strategy) ? [{ id: strategy, name: state.engine.get('auth_strategies', strategy).name }] : [],
        },
      ]
    : [];
  return {
    id,
    name: v.name,
    gateway_service: null,
    publish_status: v.publish_status,
    deprecated: v.deprecated,
    labels: v.labels ?? {},
    auth_strategy_sync_errors: null,
    portals,
    ...stamps(v),
  };
}

function versionOf(ctx: Ctx, state: EmulatorState): [string, StoredProductVersion] {
  const [productId] = productOf(ctx, state, 'apiProductId');
  const id = ctx.params.id!;
  if (!state.engine.has('product_versions', id) || state.engine.get('product_versions', id).product_id !== productId) throw notFound();
  return [id, state.engine.get('product_versions', id)];
}

const GATEWAY_SERVICE: Fields[string] = { type: 'object', fields: {}, additional: true, nullable: true };
const BODY: Fields = {
  name: { type: 'string', minLength: 1 },
  publish_status: { type: 'string', enum: ['unpublished', 'published'] },
  deprecated: { type: 'boolean' },
  gateway_service: GATEWAY_SERVICE,
};

interface VersionBody {
  name?: string;
  labels?: Record<string, string | null> | null;
  publish_status?: string;
  deprecated?: boolean;
  gateway_service?: unknown;
}

/** What the emulator refuses of a valid body (see the comment at the top). */
function refuseUnkept(body: VersionBody): void {
  const problems: InvalidParameter[] = [];
  if (body.gateway_service !== undefined && body.gateway_service !== null) problems.push({ field: 'gateway_service', rule: 'missing_reference', reason: 'the emulator has no gateway services', source: 'body' });
  for (const field of ['publish_status', 'deprecated'] as const) {
    if (body[field] !== undefined) problems.push({ field, rule: 'invalid', reason: `"${field}" is deprecated here: set it on the portal product version`, source: 'body' });
  }
  if (problems.length > 0) throw badRequest(problems);
}

export const productVersionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/api-products/{apiProductId}/product-versions',
    auth: 'admin',
    handle: (ctx, state) => {
      const [productId] = productOf(ctx, state, 'apiProductId');
      const versions = state.engine.list('product_versions').filter(([, v]) => v.product_id === productId);
      const spec = { filters: { name: 'string', publish_status: 'string', gateway_service_id: 'uuid' }, sort: ['name'] } as const;
      return ok(page(ctx, versions, spec, ([, v]) => (field) => ({ name: v.name, publish_status: v.publish_status, gateway_service_id: null })[field], ([id, v]) => renderVersion(state, id, v)));
    },
  },
  {
    method: 'POST',
    path: '/v2/api-products/{apiProductId}/product-versions',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const [productId] = productOf(ctx, state, 'apiProductId');
      const body = checkBody<VersionBody>(ctx.body, { ...BODY, labels: { type: 'labels' } }, ['name']);
      refuseUnkept(body);
      const record: StoredProductVersion = {
        product_id: productId,
        name: body.name!,
        description: '',
        publish_status: 'unpublished',
        visibility: 'private',
        deprecated: false,
        registration: { enabled: false, auth_strategy_id: null, auto_approve: false },
        labels: createdLabels(body.labels),
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('product_versions', record), 'name');
      return ok(renderVersion(state, id, state.engine.get('product_versions', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v2/api-products/{apiProductId}/product-versions/{id}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = versionOf(ctx, state);
      return ok(renderVersion(state, id, v));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/api-products/{apiProductId}/product-versions/{id}',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const [id, v] = versionOf(ctx, state);
      const body = checkBody<VersionBody>(ctx.body, { ...BODY, notify: { type: 'boolean' }, labels: { type: 'labels', update: true, nullable: true } });
      refuseUnkept(body);
      engineCall(() => state.engine.update('product_versions', id, { ...(body.name !== undefined && { name: body.name }), labels: mergeLabels(v.labels ?? {}, body.labels) }), 'name');
      return ok(renderVersion(state, id, state.engine.get('product_versions', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/api-products/{apiProductId}/product-versions/{id}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = versionOf(ctx, state);
      // Its registrations go with it (the engine's cascade, UNCLEAR-20).
      engineCall(() => state.engine.delete('product_versions', id));
      return noContent();
    },
  },
];
