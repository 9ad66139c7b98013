import { noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { checkPortal, stamps, type Route } from './route.js';
import type { StoredDeveloper } from '../../backends/local/store-records.js';

/**
 * Developers of the portal (6.1 #17, owner lookups): list, create (an invitation), update (the
 * status only) and delete (their applications go with them). No API sets a password: a developer
 * who can log in comes from `--developer EMAIL:PASSWORD`. Teams: routes/teams.ts.
 */
const renderDeveloper = (id: string, d: StoredDeveloper) => ({ id, email: d.email, full_name: d.full_name, status: d.status, ...stamps(d) });

/** The developer of the path, of this portal. */
function developerOf(ctx: Ctx, state: EmulatorState): string {
  const id = ctx.params.developerId!;
  if (!state.engine.has('developers', id) || state.engine.get('developers', id).portal_id !== state.portalId) throw notFound();
  return id;
}

export const developerRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/developers',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const developers = state.engine.list('developers').filter(([, d]) => d.portal_id === state.portalId);
      const spec = { filters: { name: 'string', status: 'string', email: 'string' }, sort: ['email', 'full_name', 'created_at', 'updated_at'] } as const;
      return ok(page(ctx, developers, spec, ([, d]) => (f) => ({ name: d.full_name, status: d.status, email: d.email, full_name: d.full_name, ...stamps(d) })[f], ([id, d]) => renderDeveloper(id, d)));
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/developers',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const body = checkBody<{ email: string; full_name: string; status?: StoredDeveloper['status'] }>(
        ctx.body,
        {
          email: { type: 'string', format: 'email', maxLength: 255 },
          full_name: { type: 'string', maxLength: 255 },
          status: { type: 'string', enum: ['approved', 'pending', 'revoked', 'rejected'] },
          send_invitation_email: { type: 'boolean' },
        },
        ['email', 'full_name'],
      );
      const record = { portal_id: state.portalId, email: body.email, full_name: body.full_name, status: body.status ?? 'pending', password_hash: null };
      const { id } = engineCall(() => state.engine.create('developers', record));
      return ok(renderDeveloper(id, state.engine.get('developers', id)), 201);
    },
  },
  {
    method: 'PATCH',
    path: '/v3/portals/{portalId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = developerOf(ctx, state);
      // update-developer takes only the status (additionalProperties: false).
      const body = checkBody<{ status?: StoredDeveloper['status'] }>(ctx.body, { status: { type: 'string', enum: ['approved', 'pending', 'revoked', 'rejected'] } });
      if (body.status !== undefined) engineCall(() => state.engine.update('developers', id, { status: body.status! }));
      return ok(renderDeveloper(id, state.engine.get('developers', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = developerOf(ctx, state);
      // The applications they own go with them.
      engineCall(() => state.engine.delete('developers', id));
      return noContent();
    },
  },
];
