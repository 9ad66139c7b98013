import type { StoredRegistration } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page, type ListSpec } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { applicationOf, ownerOf } from './applications.js';
import { strategyIds } from './publications.js';
import { checkPortal, stamps, type Route } from './route.js';

/**
 * Registrations of applications to APIs (6.1 #24–29, 6.3 #19–20). The status when none is given is
 * the engine's: approved when the publication or the portal auto-approves, else pending; an explicit
 * `approved|pending` is honoured (a DECISION, UNCLEAR-24). The API must be published with an auth
 * strategy (a DECISION, UNCLEAR-12).
 */
function render(state: EmulatorState, id: string, r: StoredRegistration) {
  const v = state.engine.get('product_versions', r.product_version_id);
  const a = state.engine.get('applications', r.application_id);
  return {
    id,
    ...stamps(r),
    status: r.status,
    api: { id: r.product_version_id, name: state.engine.get('products', v.product_id).name, version: v.name, entity_type: 'api' },
    application: { id: r.application_id, name: a.name },
  };
}

function fields(state: EmulatorState, r: StoredRegistration) {
  const a = state.engine.get('applications', r.application_id);
  const owner = ownerOf(state, a);
  return (field: string) =>
    (({ status: r.status, application_name: a.name, developer_id: owner?.type === 'developer' ? owner.id : null, ...stamps(r) }) as Record<string, string | null>)[field];
}

const STATUS = { type: 'string', enum: ['approved', 'pending', 'revoked', 'rejected'] } as const;

function registrationOf(ctx: Ctx, state: EmulatorState): [string, StoredRegistration] {
  checkPortal(ctx, state);
  const [applicationId] = applicationOf(ctx, state);
  const id = ctx.params.registrationId!;
  if (!state.engine.has('registrations', id) || state.engine.get('registrations', id).application_id !== applicationId) throw notFound();
  return [id, state.engine.get('registrations', id)];
}

export const registrationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/application-registrations',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const spec: ListSpec = { filters: { developer_id: 'uuid', application_name: 'string', status: 'string' }, sort: ['created_at', 'updated_at', 'developer_id', 'status'] };
      return ok(page(ctx, state.engine.list('registrations'), spec, ([, r]) => fields(state, r), ([id, r]) => render(state, id, r)));
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/applications/{applicationId}/registrations',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [applicationId] = applicationOf(ctx, state);
      const mine = state.engine.childrenOf('registrations', 'registrationsOfApplication', applicationId);
      return ok(page(ctx, mine, { filters: { status: 'string' } }, ([, r]) => fields(state, r), ([id, r]) => render(state, id, r)));
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/applications/{applicationId}/registrations',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [applicationId] = applicationOf(ctx, state);
      const body = checkBody<{ api_id: string; status?: 'approved' | 'pending' }>(
        ctx.body,
        { api_id: { type: 'string', format: 'uuid' }, status: { type: 'string', enum: ['approved', 'pending'] } },
        ['api_id'],
      );
      if (!state.engine.has('product_versions', body.api_id)) throw badRequest([{ field: 'api_id', rule: 'missing_reference', reason: `API ${body.api_id} does not exist`, source: 'body' }]);
      const v = state.engine.get('product_versions', body.api_id);
      if (v.publish_status !== 'published' || strategyIds(state, v) === null) {
        throw badRequest([{ field: 'api_id', rule: 'invalid', reason: 'the API is not published to this portal with application registration', source: 'body' }]);
      }
      if (state.engine.childrenOf('registrations', 'registrationsOfApplication', applicationId).some(([, r]) => r.product_version_id === body.api_id)) {
        throw conflict('API is already registered to the application');
      }
      const { id } = engineCall(() =>
        state.engine.create('registrations', { application_id: applicationId, product_version_id: body.api_id, ...(body.status && { status: body.status }), protected: false }),
      );
      return ok(render(state, id, state.engine.get('registrations', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, r] = registrationOf(ctx, state);
      return ok(render(state, id, r));
    },
  },
  {
    method: 'PATCH',
    path: '/v3/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = registrationOf(ctx, state);
      const body = checkBody<{ status?: StoredRegistration['status'] }>(ctx.body, { status: STATUS });
      if (body.status !== undefined) engineCall(() => state.engine.update('registrations', id, { status: body.status! }));
      return ok(render(state, id, state.engine.get('registrations', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = registrationOf(ctx, state);
      engineCall(() => state.engine.delete('registrations', id));
      return noContent();
    },
  },
];
