import { randomUUID } from 'node:crypto';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { checkPortal, type Route } from './route.js';
import type { StoredTeamRole } from '../../backends/local/store-records.js';

/**
 * A team's roles on APIs (list-portal-team-roles, assign-role-to-portal-teams,
 * remove-role-from-portal-team), kept on the team as the local backend keeps them. The roles an API
 * grants: API Viewer and API Consumer, on entity type Services.
 */
const ROLES = ['API Viewer', 'API Consumer'];
const REGIONS = ['us', 'eu', 'au', 'me', 'in', 'sg', '*'];
const renderRole = (r: StoredTeamRole) => ({ id: r.id, role_name: r.role_name, entity_id: r.entity_id, entity_type_name: r.entity_type_name, entity_region: r.entity_region });

function rolesOf(ctx: Ctx, state: EmulatorState): [string, StoredTeamRole[]] {
  const id = ctx.params.teamId!;
  if (!state.engine.has('teams', id) || state.engine.get('teams', id).portal_id !== state.portalId) throw notFound();
  return [id, state.engine.get('teams', id).roles ?? []];
}

export const teamRoleRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/teams/{teamId}/assigned-roles',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [, roles] = rolesOf(ctx, state);
      // A role on an API that was deleted is gone with it.
      const live = roles.filter((r) => state.engine.has('product_versions', r.entity_id));
      return ok(page(ctx, live, { filters: {} }, () => () => undefined, renderRole));
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/teams/{teamId}/assigned-roles',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
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
      if (!state.engine.has('product_versions', body.entity_id)) throw badRequest([{ field: 'entity_id', rule: 'missing_reference', reason: `API ${body.entity_id} does not exist`, source: 'body' }]);
      if (roles.some((r) => r.role_name === body.role_name && r.entity_id === body.entity_id)) throw conflict('The team already has this role');
      const role: StoredTeamRole = { id: randomUUID(), ...body };
      engineCall(() => state.engine.update('teams', teamId, { roles: [...roles, role] }));
      return ok(renderRole(role), 201);
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/teams/{teamId}/assigned-roles/{roleId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [teamId, roles] = rolesOf(ctx, state);
      const roleId = ctx.params.roleId!;
      if (!roles.some((r) => r.id === roleId)) throw notFound();
      engineCall(() => state.engine.update('teams', teamId, { roles: roles.filter((r) => r.id !== roleId) }));
      return noContent();
    },
  },
];
