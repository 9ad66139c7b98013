import type { StoredDeveloper } from '../../backends/local/store-records.js';
import { noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { developerOf } from './applications.js';

/**
 * The classic portal's developers (portal-management v2): list, get, update (the status only) and
 * delete (their applications go with them). The v2 admin API creates none: developers sign up on the
 * portal, and the emulator's come from `--developer EMAIL:PASSWORD` or its state. Teams: teams.ts.
 */
function render(state: EmulatorState, id: string, d: StoredDeveloper) {
  const applications = state.engine.list('applications').filter(([, a]) => developerOf(state, a).id === id).length;
  return { id, ...stamps(d), email: d.email, full_name: d.full_name, status: d.status, application_count: applications };
}

/** The developer of the path, of this portal. */
function developerOfPath(ctx: Ctx, state: EmulatorState): string {
  checkPortal(ctx, state);
  const id = ctx.params.developerId!;
  if (!state.engine.has('developers', id) || state.engine.get('developers', id).portal_id !== state.portalId) throw notFound();
  return id;
}

const STATUSES = ['approved', 'pending', 'revoked', 'rejected'];

export const classicDeveloperRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/developers',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const developers = state.engine.list('developers').filter(([, d]) => d.portal_id === state.portalId);
      const spec = { filters: { name: 'string', status: 'string', email: 'string' }, sort: ['created_at', 'updated_at', 'email', 'name', 'status'] } as const;
      return ok(page(ctx, developers, spec, ([, d]) => (f) => ({ name: d.full_name, status: d.status, email: d.email, ...stamps(d) })[f], ([id, d]) => render(state, id, d)));
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = developerOfPath(ctx, state);
      return ok(render(state, id, state.engine.get('developers', id)));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/portals/{portalId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = developerOfPath(ctx, state);
      // update-developer takes only the status (additionalProperties: false).
      const body = checkBody<{ status?: StoredDeveloper['status'] }>(ctx.body, { status: { type: 'string', enum: STATUSES } });
      if (body.status !== undefined) engineCall(() => state.engine.update('developers', id, { status: body.status! }));
      return ok(render(state, id, state.engine.get('developers', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = developerOfPath(ctx, state);
      // The applications they own go with them.
      engineCall(() => state.engine.delete('developers', id));
      return noContent();
    },
  },
];
