import { BackendError } from '../../backend.js';
import type { Adapters, LiveObject } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, repeatOn500, unknownOn500 } from '../context.js';
import type { ClassicContext } from './context.js';
import type { TeamRoleItem } from './wire.js';

/** The classic portal's entity type of a role on an API product ("Services"), in every region. */
const ENTITY = { entity_type_name: 'Services', entity_region: '*' } as const;
const ROLES = ['API Viewer', 'API Consumer'] as const;

/** A role here is `<team id>/<assigned role id>/<version id>`: one classic role reads as one role per version of its product. */
const idOf = (team: string, role: string, version: string) => `${team}/${role}/${version}`;
function partsOf(id: string): [string, string] {
  const [team = '', role = ''] = id.split('/');
  return [team, role];
}

/**
 * Team roles ↔ each team's assigned roles (portal-management v2, portal RBAC). A classic role is on
 * an API product (entity type Services), not a version: it reads as that role on each of the
 * product's versions, and the plan requires a team's roles on a product to be the same on all its
 * versions (checks.ts). Assigning a role on a version assigns it on its product, once (a second
 * version finds it there); removing it removes the product's role. Roles on products not listed are
 * left out.
 */
export function classicTeamRoles(ctx: ClassicContext): Adapters['team_role'] {
  const base = (team: string) => `${ctx.teamPath(team)}/assigned-roles`;
  const versionsOf = (productId: string) => [...ctx.versionProduct].filter(([, p]) => p === productId).map(([v]) => v);
  return {
    list: async () => {
      const out: LiveObject<'team_role'>[] = [];
      for (const t of await ctx.teams()) {
        for (const r of await ctx.list<TeamRoleItem>(base(t.id))) {
          const role = ROLES.find((x) => x === r.role_name);
          if (role === undefined || r.entity_type_name !== ENTITY.entity_type_name) continue;
          for (const version of versionsOf(r.entity_id)) out.push({ id: idOf(t.id, r.id, version), attrs: { team: t.id, version, role }, labels: {}, protected: false });
        }
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const product = ctx.versionProduct.get(a.version);
      if (product === undefined) throw new BackendError(`product version ${a.version} does not exist`, 404);
      const find = async () => (await ctx.listFresh<TeamRoleItem>(base(a.team))).find((r) => r.role_name === a.role && r.entity_id === product);
      // Another version of the product assigned it already: the same role.
      let created = await find();
      if (created === undefined) {
        try {
          created = await ctx.admin.createIdempotently(() => unknownOn500(() => ctx.admin.postOnce<TeamRoleItem>(base(a.team), { role_name: a.role, entity_id: product, ...ENTITY })), find);
        } catch (error) {
          // Already assigned (an earlier attempt landed): take it.
          const existing = error instanceof HttpError && error.status === 409 ? await find() : undefined;
          if (existing === undefined) throw error;
          created = existing;
        }
      }
      ctx.forget(base(a.team));
      return { id: idOf(a.team, created.id, a.version) };
    },
    delete: async (id) => {
      const [team, role] = partsOf(id);
      // The product's role: a delete for its other versions finds it gone.
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${base(team)}/${encodeURIComponent(role)}`)));
      ctx.forget(base(team));
    },
  };
}
