import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500, type V3Context } from './context.js';
import type { DeveloperItem } from './wire.js';

/**
 * Developers ↔ the portal's developers (create-developer invites one: no password is handled, and
 * no email is sent). `update-developer` changes only the status: a full name cannot change (the
 * plan refuses it, see checkDesired), and a developer is never replaced, since deleting one deletes
 * their applications.
 */
/** What the adapter needs of a context: the developer routes are the same on v3 and classic (v2), but for the prefix. */
export type DevelopersContext = Pick<V3Context, 'admin' | 'counters' | 'forget' | 'listFresh' | 'developers' | 'portalPath'>;

export function developers(ctx: DevelopersContext): Adapters['developer'] {
  const path = `${ctx.portalPath}/developers`;
  const one = (id: string) => `${path}/${encodeURIComponent(id)}`;
  return {
    list: async () =>
      (await ctx.developers()).map((d) => ({ id: d.id, attrs: { email: d.email, full_name: d.full_name, status: d.status }, labels: {}, protected: false })),
    create: async ({ attrs: a }) => {
      // Left out, the status is the portal's choice (its auto_approve_developers).
      const body = { email: a.email, full_name: a.full_name, ...(a.status !== undefined && { status: a.status }) };
      const find = async () => (await ctx.listFresh<DeveloperItem>(path, { filter: { email: { eq: a.email } } })).find((d) => d.email.toLowerCase() === a.email.toLowerCase());
      const created = await ctx.admin.createIdempotently(() => unknownOn500(() => ctx.admin.postOnce<DeveloperItem>(path, body)), find);
      ctx.forget(path); // an application owned by the new developer looks it up by email
      return { id: created.id };
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
