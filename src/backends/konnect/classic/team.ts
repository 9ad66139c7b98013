import type { Adapters } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500 } from '../context.js';
import type { ClassicContext } from './context.js';
import type { TeamItem } from './wire.js';

/**
 * Teams ↔ the classic portal's teams, which have a name only: a description and
 * can_own_applications cannot be held (capabilities.ts; classic teams own no applications, M12).
 * Members and roles are kinds of their own.
 */
export function classicTeams(ctx: ClassicContext): Adapters['team'] {
  const path = `${ctx.portalPath}/teams`;
  return {
    list: async () => (await ctx.teams()).map((t) => ({ id: t.id, attrs: { name: t.name }, labels: {}, protected: false })),
    create: async ({ attrs: a }) => {
      // Names are not unique in Konnect, but the plan creates a team only where none has its name.
      const find = async () => (await ctx.listFresh<TeamItem>(path, { filter: { name: { eq: a.name } } })).find((t) => t.name === a.name);
      const created = await ctx.admin.createIdempotently(() => unknownOn500(() => ctx.admin.postOnce<TeamItem>(path, { name: a.name })), find);
      ctx.forget(path);
      return { id: created.id };
    },
    update: async (id, { attrs: a }) => {
      await repeatOn500(ctx, () => ctx.admin.patch(ctx.teamPath(id), { name: a.name }));
      ctx.forget(path);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(ctx.teamPath(id))));
      ctx.forget(path);
    },
  };
}
