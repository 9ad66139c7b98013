import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import { deleted, repeatOn500 } from '../context.js';
import type { ClassicContext } from './context.js';

/**
 * Developers ↔ the classic portal's developers (portal-management v2): listed, their status changed
 * (`update-developer` takes only a status: approve, revoke, reject) and deleted. The classic admin
 * API invites no one: a developer signs up on the portal, and the plan refuses one that is not there
 * (checks.ts); create is refused here too, for a saved plan.
 */
export function classicDevelopers(ctx: ClassicContext): Adapters['developer'] {
  const path = `${ctx.portalPath}/developers`;
  const one = (id: string) => `${path}/${encodeURIComponent(id)}`;
  return {
    list: async () =>
      (await ctx.developers()).map((d) => ({ id: d.id, attrs: { email: d.email, full_name: d.full_name, status: d.status }, labels: {}, protected: false })),
    create: async ({ attrs: a }) => {
      throw new BackendError(`developer "${a.email}": the konnect-classic backend cannot create a developer (its admin API invites no one; they sign up on the portal)`, 400);
    },
    update: async (id, { attrs: a }) => {
      const live = (await ctx.developers()).find((d) => d.id === id);
      if (live !== undefined && live.full_name !== a.full_name) {
        throw new BackendError(`developer "${a.email}": Konnect cannot change a developer's full_name (update-developer takes only a status)`, 400);
      }
      if (a.status !== undefined && a.status !== live?.status) await repeatOn500(ctx, () => ctx.admin.patch(one(id), { status: a.status }));
      ctx.forget(path);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(one(id))));
      ctx.forget(path);
    },
  };
}
