import { randomUUID } from 'node:crypto';
import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import type { StoredTeamRole } from '../store-records.js';

/** Konnect's entity type of a role on an API (a product version). */
export const ROLE_ENTITY_TYPE = 'Services';

/**
 * Team roles, kept on their team as Konnect's assigned roles: `team` and `version` are ids. A role
 * on a version that was deleted is gone with it.
 */
export function teamRoles(engine: LocalEngine): Adapters['team_role'] {
  const teamOf = (roleId: string): [string, StoredTeamRole[]] => {
    for (const [teamId, t] of engine.list('teams')) if ((t.roles ?? []).some((r) => r.id === roleId)) return [teamId, t.roles!];
    throw new BackendError(`team role ${roleId} does not exist`, 404);
  };
  return {
    list: async () =>
      engine.list('teams').flatMap(([teamId, t]) =>
        (t.roles ?? [])
          .filter((r) => engine.has('product_versions', r.entity_id))
          .map((r) => ({ id: r.id, attrs: { team: teamId, version: r.entity_id, role: r.role_name as 'API Viewer' | 'API Consumer' }, labels: {}, protected: false })),
      ),
    create: async ({ attrs: a }) => {
      engine.get('product_versions', a.version);
      const roles = engine.get('teams', a.team).roles ?? [];
      if (roles.some((r) => r.role_name === a.role && r.entity_id === a.version)) throw new BackendError('the team already has this role', 409);
      const id = randomUUID();
      engine.update('teams', a.team, { roles: [...roles, { id, role_name: a.role, entity_id: a.version, entity_type_name: ROLE_ENTITY_TYPE, entity_region: '*' }] });
      return { id };
    },
    delete: async (id) => {
      const [teamId, roles] = teamOf(id);
      engine.update('teams', teamId, { roles: roles.filter((r) => r.id !== id) });
    },
  };
}
