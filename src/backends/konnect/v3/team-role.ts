import type { Adapters, LiveObject } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, repeatOn500, unknownOn500, type V3Context } from './context.js';
import type { TeamRoleItem } from './wire.js';

/** Konnect's entity type of a role on an API (a product version), in every region. */
const ENTITY = { entity_type_name: 'Services', entity_region: '*' } as const;

/** A role's id here is `<team id>/<assigned role id>`: its routes need both. */
const idOf = (team: string, role: string) => `${team}/${role}`;
function partsOf(id: string): [string, string] {
  const at = id.indexOf('/');
  return [id.slice(0, at), id.slice(at + 1)];
}

/**
 * Team roles ↔ each team's assigned roles (one list per team): `team` and `version` are ids (a
 * version is an API). Konnect assigns and removes a role, never changes one. Roles on APIs that
 * are not listed are left out.
 */
export function teamRoles(ctx: V3Context): Adapters['team_role'] {
  const base = (team: string) => `${ctx.teamPath(team)}/assigned-roles`;
  return {
    list: async () => {
      const out: LiveObject<'team_role'>[] = [];
      for (const t of await ctx.teams()) {
        for (const r of await ctx.list<TeamRoleItem>(base(t.id))) {
          if (!ctx.listedApis.has(r.entity_id) || (r.role_name !== 'API Viewer' && r.role_name !== 'API Consumer')) continue;
          out.push({ id: idOf(t.id, r.id), attrs: { team: t.id, version: r.entity_id, role: r.role_name }, labels: {}, protected: false });
        }
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const find = async () => (await ctx.listFresh<TeamRoleItem>(base(a.team))).find((r) => r.role_name === a.role && r.entity_id === a.version);
      let created: TeamRoleItem;
      try {
        created = await ctx.admin.createIdempotently(() => unknownOn500(() => ctx.admin.postOnce<TeamRoleItem>(base(a.team), { role_name: a.role, entity_id: a.version, ...ENTITY })), find);
      } catch (error) {
        // Already assigned (an earlier attempt landed): take it.
        const existing = error instanceof HttpError && error.status === 409 ? await find() : undefined;
        if (existing === undefined) throw error;
        created = existing;
      }
      ctx.forget(base(a.team));
      return { id: idOf(a.team, created.id) };
    },
    delete: async (id) => {
      const [team, role] = partsOf(id);
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${base(team)}/${encodeURIComponent(role)}`)));
      ctx.forget(base(team));
    },
  };
}
