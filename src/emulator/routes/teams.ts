import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, type Fields } from '../validate.js';
import { checkPortal, stamps, type Route } from './route.js';
import type { StoredTeam } from '../../backends/local/store-records.js';

/**
 * Teams of the portal (6.1 #18, owner lookups; create, update and delete) and their members
 * (list-portal-team-developers, add and remove). A team's roles: routes/team-roles.ts.
 */
const renderTeam = (id: string, t: StoredTeam) => ({ id, name: t.name, description: t.description ?? '', can_own_applications: t.can_own_applications === true, ...stamps(t) });

/** The team of the path, of this portal. */
function teamOf(ctx: Ctx, state: EmulatorState): string {
  const id = ctx.params.teamId!;
  if (!state.engine.has('teams', id) || state.engine.get('teams', id).portal_id !== state.portalId) throw notFound();
  return id;
}

const TEAM_FIELDS: Fields = {
  name: { type: 'string', minLength: 1, maxLength: 250 },
  description: { type: 'string', minLength: 1, maxLength: 250 },
  can_own_applications: { type: 'boolean' },
};

export const teamRoutes: Route[] = [
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
        TEAM_FIELDS,
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
  {
    method: 'PATCH',
    path: '/v3/portals/{portalId}/teams/{teamId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = teamOf(ctx, state);
      const body = checkBody<{ name?: string; description?: string; can_own_applications?: boolean }>(ctx.body, TEAM_FIELDS);
      engineCall(() =>
        state.engine.update('teams', id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.description !== undefined && { description: body.description }),
          ...(body.can_own_applications !== undefined && { can_own_applications: body.can_own_applications }),
        }),
      );
      return ok(renderTeam(id, state.engine.get('teams', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/teams/{teamId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = teamOf(ctx, state);
      // Its roles go with it; its members stay developers of the portal.
      engineCall(() => state.engine.delete('teams', id));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/teams/{teamId}/developers',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = teamOf(ctx, state);
      const members = (state.engine.get('teams', id).members ?? []).filter((d) => state.engine.has('developers', d)).map((d) => [d, state.engine.get('developers', d)] as const);
      const spec = { filters: { email: 'string', full_name: 'string', active: 'boolean' } } as const;
      return ok(
        page(
          ctx,
          members,
          spec,
          ([, d]) => (f) => ({ email: d.email, full_name: d.full_name, active: d.status === 'approved' })[f],
          ([devId, d]) => ({ id: devId, email: d.email, full_name: d.full_name, active: d.status === 'approved', ...stamps(d) }),
        ),
      );
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/teams/{teamId}/developers/{developerId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const id = teamOf(ctx, state);
      const members = state.engine.get('teams', id).members ?? [];
      const developer = ctx.params.developerId!;
      if (!members.includes(developer)) throw notFound();
      engineCall(() => state.engine.update('teams', id, { members: members.filter((m) => m !== developer) }));
      return noContent();
    },
  },
];
