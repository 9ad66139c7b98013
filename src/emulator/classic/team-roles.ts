import { randomUUID } from 'node:crypto';
import type { StoredTeamRole } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { checkPortal, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';

/**
 * A classic team's roles (list-portal-team-roles, assign-role-to-portal-teams,
 * remove-role-from-portal-team): API Viewer or API Consumer on an API product (entity type
 * Services; `entity_id` is the API product's id), kept on the team. DECISIONS: an unknown role name
 * or product → 400; the same role on the same product twice → 409; a role on a deleted product is
 * gone with it.
 */
const ROLES = ['API Viewer', 'API Consumer'];
const REGIONS = ['us', 'eu', 'au', 'me', 'in', 'sg', '*'];
const render = (r: StoredTeamRole) => ({ id: r.id, role_name: r.role_name, entity_id: r.entity_id, entity_type_name: r.entity_type_name, entity_region: r.entity_region });

function rolesOf(ctx: Ctx, state: EmulatorState): [string, StoredTeamRole[]] {
  checkPortal(ctx, state);
  const id = ctx.params.teamId!;
  if (!state.engine.has('teams', id) || state.engine.get('teams', id).portal_id !== state.portalId) throw notFound();
  // Roles on what is not an API product (a v3 flavour's roles on APIs, in a shared state) are not the classic portal's.
  return [id, (state.engine.get('teams', id).roles ?? []).filter((r) => state.engine.has('products', r.entity_id))];
}

export const classicTeamRoleRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/teams/{teamId}/assigned-roles',
    auth: 'admin',
    handle: (ctx, state) => {
      const [, roles] = rolesOf(ctx, state);
      return ok(page(ctx, roles, { filters: {} }, () => () => undefined, render));
    },
  },
  {
    method: 'POST',
    path: '/v2/portals/{portalId}/teams/{teamId}/assigned-roles',
    auth: 'admin',
    handle: (ctx, state) => {
      const [teamId, roles] = rolesOf(ctx, state);
      const body = checkBody<Omit<StoredTeamRole, 'id'>>(
        ctx.body,
        {
          role_name: { type: 'string' },
          entity_id: { type: 'string', format: 'uuid' },
          entity_type_name: { type: 'string', enum: ['Services'] },
          entity_region: { type: 'string', enum: REGIONS },
        },
        ['role_name', 'entity_id', 'entity_type_name', 'entity_region'],
      );
      if (!ROLES.includes(body.role_name)) throw badRequest([{ field: 'role_name', rule: 'enum', reason: `"role_name" must be one of ${ROLES.join(', ')}`, choices: ROLES, source: 'body' }]);
      if (!state.engine.has('products', body.entity_id)) throw badRequest([{ field: 'entity_id', rule: 'missing_reference', reason: `API product ${body.entity_id} does not exist`, source: 'body' }]);
      if (roles.some((r) => r.role_name === body.role_name && r.entity_id === body.entity_id)) throw conflict('The team already has this role');
      const role: StoredTeamRole = { id: randomUUID(), ...body };
      const all = state.engine.get('teams', teamId).roles ?? [];
      engineCall(() => state.engine.update('teams', teamId, { roles: [...all, role] }));
      return ok(render(role), 201);
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/teams/{teamId}/assigned-roles/{roleId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [teamId, roles] = rolesOf(ctx, state);
      const roleId = ctx.params.roleId!;
      if (!roles.some((r) => r.id === roleId)) throw notFound();
      const all = state.engine.get('teams', teamId).roles ?? [];
      engineCall(() => state.engine.update('teams', teamId, { roles: all.filter((r) => r.id !== roleId) }));
      return noContent();
    },
  },
];
