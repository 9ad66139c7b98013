import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500, type V3Context } from './context.js';
import type { TeamItem } from './wire.js';

/**
 * Teams ↔ the portal's teams: name, description, can_own_applications (members and roles are kinds
 * of their own). Konnect takes no empty description (minLength 1): an empty one is left out on
 * create, and one cannot be cleared once set.
 */
export function teams(ctx: V3Context): Adapters['team'] {
  const path = `${ctx.portalPath}/teams`;
  return {
    list: async () =>
      (await ctx.teams()).map((t) => ({
        id: t.id,
        attrs: { name: t.name, description: t.description ?? '', can_own_applications: t.can_own_applications === true },
        labels: {},
        protected: false,
      })),
    create: async ({ attrs: a }) => {
      const body = { name: a.name, ...(a.description && { description: a.description }), can_own_applications: a.can_own_applications === true };
      // Names are not unique in Konnect, but the plan creates a team only where none has its name.
      const find = async () => (await ctx.listFresh<TeamItem>(path, { filter: { name: { eq: a.name } } })).find((t) => t.name === a.name);
      const created = await ctx.admin.createIdempotently(() => unknownOn500(() => ctx.admin.postOnce<TeamItem>(path, body)), find);
      ctx.forget(path); // an application owned by the new team looks it up by name
      return { id: created.id };
    },
    update: async (id, { attrs: a }) => {
      const live = (await ctx.teams()).find((t) => t.id === id);
      if (!a.description && live?.description) throw new BackendError(`team "${a.name}": Konnect cannot clear a team's description (it takes no empty one); give it one`, 400);
      const body = { name: a.name, ...(a.description && { description: a.description }), can_own_applications: a.can_own_applications === true };
      await repeatOn500(ctx, () => ctx.admin.patch(ctx.teamPath(id), body));
      ctx.forget(path);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(ctx.teamPath(id))));
      ctx.forget(path);
    },
  };
}
