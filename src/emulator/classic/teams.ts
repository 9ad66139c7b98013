import type { StoredTeam } from '../../backends/local/store-records.js';
import { noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import { teamRoutes } from '../routes/teams.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, type Fields } from '../validate.js';

/**
 * The classic portal's teams (portal-management v2): a team has a name only (no description, no
 * can_own_applications: classic teams own no applications). Its members are the same routes as
 * v3's under `/v2` (list-portal-team-developers, add and remove). Its roles: team-roles.ts.
 */
const render = (id: string, t: StoredTeam) => ({ id, name: t.name, ...stamps(t) });

function teamOf(ctx: Ctx, state: EmulatorState): string {
  checkPortal(ctx, state);
  const id = ctx.params.teamId!;
  if (!state.engine.has('teams', id) || state.engine.get('teams', id).portal_id !== state.portalId) throw notFound();
  return id;
}

const TEAM_FIELDS: Fields = { name: { type: 'string', minLength: 1, maxLength: 250 } };

/** v3's member routes, at v2's paths: the same requests and answers (`BasicDeveloper`). */
const memberRoutes: Route[] = teamRoutes
  .filter((r) => r.path.includes('/teams/{teamId}/developers'))
  .map((r) => ({ ...r, path: r.path.replace('/v3/', '/v2/') }));

export const classicTeamRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/teams',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const teams = state.engine.list('teams').filter(([, t]) => t.portal_id === state.portalId);
      return ok(page(ctx, teams, { filters: { name: 'string' } }, ([, t]) => (f) => ({ name: t.name })[f], ([id, t]) => render(id, t)));
    },
  },
  {
    method: 'POST',
    path: '/v2/portals/{portalId}/teams',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const body = checkBody<{ name: string }>(ctx.body, TEAM_FIELDS, ['name']);
      const record: StoredTeam = { portal_id: state.portalId, name: body.name, description: '', can_own_applications: false, members: [] };
      const { id } = engineCall(() => state.engine.create('teams', record));
      return ok(render(id, state.engine.get('teams', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/teams/{teamId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = teamOf(ctx, state);
      return ok(render(id, state.engine.get('teams', id)));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/portals/{portalId}/teams/{teamId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = teamOf(ctx, state);
      const body = checkBody<{ name?: string }>(ctx.body, TEAM_FIELDS);
      if (body.name !== undefined) engineCall(() => state.engine.update('teams', id, { name: body.name! }));
      return ok(render(id, state.engine.get('teams', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/teams/{teamId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = teamOf(ctx, state);
      // Its roles go with it; its members stay developers of the portal.
      engineCall(() => state.engine.delete('teams', id));
      return noContent();
    },
  },
  ...memberRoutes,
];
