import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { checkPortal, stamps, type Route } from './route.js';
import type { StoredDeveloper, StoredTeam } from '../../backends/local/store-records.js';

/**
 * Developers and teams of the portal (6.1 #17–18, owner lookups), plus the optional setup routes
 * (create-developer, create-portal-team, add-developer-to-team). No API sets a password: a developer
 * who can log in comes from `--developer EMAIL:PASSWORD`.
 */
const renderDeveloper = (id: string, d: StoredDeveloper) => ({ id, email: d.email, full_name: d.full_name, status: d.status, ...stamps(d) });
const renderTeam = (id: string, t: StoredTeam) => ({ id, name: t.name, description: t.description ?? '', can_own_applications: t.can_own_applications === true, ...stamps(t) });

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
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/teams',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const teams = state.engine.list('teams').filter(([, t]) => t.portal_id === state.portalId);
      const spec = { filters: { name: 'string', can_own_applications: 'boolean' } } as const;
      return ok(page(ctx, teams, spec, ([, t]) => (f) => ({ name: t.name, can_own_applications: t.can_own_applications === true })[f], ([id, t]) => renderTeam(id, t)));
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/teams',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const body = checkBody<{ name: string; description?: string; can_own_applications?: boolean }>(
        ctx.body,
        { name: { type: 'string', minLength: 1, maxLength: 250 }, description: { type: 'string', minLength: 1, maxLength: 250 }, can_own_applications: { type: 'boolean' } },
        ['name'],
      );
      const record: StoredTeam = { portal_id: state.portalId, name: body.name, description: body.description ?? '', can_own_applications: body.can_own_applications ?? false, members: [] };
      const { id } = engineCall(() => state.engine.create('teams', record));
      return ok(renderTeam(id, state.engine.get('teams', id)), 201);
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/teams/{teamId}/developers',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const teamId = ctx.params.teamId!;
      if (!state.engine.has('teams', teamId)) throw notFound();
      const body = checkBody<{ id: string }>(ctx.body, { id: { type: 'string', format: 'uuid' } }, ['id']);
      if (!state.engine.has('developers', body.id)) throw badRequest([{ field: 'id', rule: 'missing_reference', reason: `developer ${body.id} does not exist`, source: 'body' }]);
      const members = state.engine.get('teams', teamId).members ?? [];
      // The spec answers 201 Created, without a body, and 409 for a developer already in the team.
      if (members.includes(body.id)) throw conflict('Developer is already a member of the team');
      engineCall(() => state.engine.update('teams', teamId, { members: [...members, body.id] }));
      return { status: 201 };
    },
  },
];
