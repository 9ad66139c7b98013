import type { StoredRegistration } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page, type ListSpec } from '../listing.js';
import { applicationOf } from '../routes/applications.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { developerOf, ownClassicApplication } from './applications.js';
import { hasPortalProductVersion } from './portal-product-versions.js';

/**
 * Classic registrations (6.2 #26–30 admin, #37 client; 6.3 #23). The developer registers an
 * application to an API product version (`product_version_id` = the API product version's id,
 * UNCLEAR-18); the admin approves, rejects, revokes and deletes. DECISIONS: the version must have a
 * portal product version that is published with application registration enabled (else 400); a
 * second registration of the application to the version → 409; the status is the engine's:
 * approved when the version (or the portal) auto-approves, else pending.
 */
function render(state: EmulatorState, id: string, r: StoredRegistration) {
  const v = state.engine.get('product_versions', r.product_version_id);
  const a = state.engine.get('applications', r.application_id);
  const developer = developerOf(state, a);
  return {
    id,
    ...stamps(r),
    status: r.status,
    product: { id: v.product_id, name: state.engine.get('products', v.product_id).name },
    product_version: { id: r.product_version_id, name: v.name },
    application: { id: r.application_id, name: a.name },
    developer: { id: developer.id, name: developer.name },
    granted_scopes: null,
  };
}

function fields(state: EmulatorState, r: StoredRegistration) {
  const a = state.engine.get('applications', r.application_id);
  const developer = developerOf(state, a);
  return (field: string) => ({ status: r.status, application_name: a.name, developer_id: developer.id, developer_name: developer.name, ...stamps(r) } as Record<string, string>)[field];
}

function registrationOf(ctx: Ctx, state: EmulatorState): [string, StoredRegistration] {
  checkPortal(ctx, state);
  const [applicationId] = applicationOf(ctx, state);
  const id = ctx.params.registrationId!;
  if (!state.engine.has('registrations', id) || state.engine.get('registrations', id).application_id !== applicationId) throw notFound();
  return [id, state.engine.get('registrations', id)];
}

export const classicRegistrationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/application-registrations',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const spec: ListSpec = { filters: { developer_id: 'uuid', developer_name: 'string', application_name: 'string', status: 'string' }, sort: ['created_at', 'updated_at', 'developer_id', 'status'] };
      return ok(page(ctx, state.engine.list('registrations'), spec, ([, r]) => fields(state, r), ([id, r]) => render(state, id, r)));
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/applications/{applicationId}/registrations',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [applicationId] = applicationOf(ctx, state);
      const mine = state.engine.childrenOf('registrations', 'registrationsOfApplication', applicationId);
      return ok(page(ctx, mine, { filters: { status: 'string' }, sort: ['created_at', 'updated_at', 'status'] }, ([, r]) => fields(state, r), ([id, r]) => render(state, id, r)));
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, r] = registrationOf(ctx, state);
      return ok(render(state, id, r));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = registrationOf(ctx, state);
      const body = checkBody<{ status?: StoredRegistration['status'] }>(ctx.body, { status: { type: 'string', enum: ['approved', 'pending', 'revoked', 'rejected'] } });
      if (body.status !== undefined) engineCall(() => state.engine.update('registrations', id, { status: body.status! }));
      return ok(render(state, id, state.engine.get('registrations', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = registrationOf(ctx, state);
      engineCall(() => state.engine.delete('registrations', id));
      return noContent();
    },
  },
  {
    method: 'POST',
    path: '/api/v2/applications/{applicationId}/registrations',
    auth: 'session',
    handle: (ctx, state) => {
      const [applicationId] = ownClassicApplication(ctx, state);
      const body = checkBody<{ product_version_id: string }>(ctx.body, { product_version_id: { type: 'string', format: 'uuid' }, scopes: { type: 'array', items: { type: 'string' } } }, ['product_version_id']);
      const versionId = body.product_version_id;
      if (!state.engine.has('product_versions', versionId)) {
        throw badRequest([{ field: 'product_version_id', rule: 'missing_reference', reason: `product version ${versionId} does not exist`, source: 'body' }]);
      }
      const v = state.engine.get('product_versions', versionId);
      if (!hasPortalProductVersion(versionId, v) || v.publish_status !== 'published' || !v.registration.enabled) {
        throw badRequest([{ field: 'product_version_id', rule: 'invalid', reason: 'the product version is not published to this portal with application registration enabled', source: 'body' }]);
      }
      if (state.engine.childrenOf('registrations', 'registrationsOfApplication', applicationId).some(([, r]) => r.product_version_id === versionId)) {
        throw conflict('The application is already registered to this product version');
      }
      const { id } = engineCall(() => state.engine.create('registrations', { application_id: applicationId, product_version_id: versionId, protected: false }));
      const r = state.engine.get('registrations', id);
      const product = state.engine.get('products', v.product_id);
      return ok({ id, ...stamps(r), status: r.status, product_id: v.product_id, product_name: product.name, product_version_id: versionId, product_version_name: v.name, application_id: applicationId }, 201);
    },
  },
];
