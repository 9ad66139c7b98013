import { BackendError, OWNER_LABEL } from '../../backend.js';
import type { Adapters, IdAttrs, LiveObject, Write } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500 } from '../context.js';
import { implicitStrategy } from '../implicit-strategy.js';
import { clientApplicationPath, type ClassicContext } from './context.js';
import type { AppItem } from './wire.js';

/**
 * Applications (MAPPING 4.3): listed and deleted by the admin API (a delete takes the application's
 * registrations and credentials with it), created and updated by the developer session through the
 * Portal API, with their real `reference_id`. They carry no labels (M11): the session developer's
 * applications are the run's namespace's, everyone else's are left alone. The owner is always the
 * developer who made it (M12) and the auth strategy is set at creation only (M10).
 */
export function applications(ctx: ClassicContext): Adapters['application'] {
  return {
    list: async () => {
      const out: LiveObject<'application'>[] = [];
      for (const a of await ctx.applications()) {
        ctx.listedApps.add(a.id);
        const mine = ctx.isSessionDevelopers(a);
        if (mine) ctx.sessionApps.add(a.id);
        const attrs: IdAttrs<'application'> = {
          reference_id: a.reference_id,
          name: a.name,
          description: a.description ?? '',
          ...(a.developer?.email !== undefined && { owner: { type: 'developer' as const, name: a.developer.email } }),
          ...(a.auth_strategy && { auth_strategy: a.auth_strategy.id }),
        };
        out.push({ id: a.id, attrs, labels: mine ? { [OWNER_LABEL]: ctx.owner.namespace } : {}, protected: false });
      }
      return out;
    },
    create: async (write) => {
      const a = write.attrs;
      const session = ctx.session(`creating application "${a.reference_id}"`);
      checkOwner(ctx, a);
      const strategy = a.auth_strategy ?? (await implicitStrategy(ctx, a.reference_id));
      const body = {
        name: a.name,
        reference_id: a.reference_id,
        ...(a.description && { description: a.description }),
        ...(strategy !== undefined && { auth_strategy_id: strategy }),
      };
      const path = `${ctx.portalPath}/applications`;
      const created = await session.createIdempotently(
        () => unknownOn500(() => session.postOnce<{ id: string }>('/api/v2/applications', body)),
        // The reference ID is unique in the portal: look for it among the applications of this name.
        async () => (await ctx.listFresh<AppItem>(path, { filter: { name: { eq: a.name } } })).find((x) => x.reference_id === a.reference_id),
      );
      ctx.listedApps.add(created.id);
      ctx.sessionApps.add(created.id);
      claim(ctx, write);
      return { id: created.id };
    },
    update: async (id, write) => {
      const a = write.attrs;
      checkOwner(ctx, a);
      const live = (await ctx.applications()).find((x) => x.id === id);
      if (live === undefined || live.name !== a.name || (live.description ?? '') !== (a.description ?? '')) {
        const session = ctx.session(`changing the name or description of application "${a.reference_id}"`);
        await repeatOn500(ctx, () => session.patch(clientApplicationPath(id), { name: a.name, description: a.description ?? '' }));
      }
      claim(ctx, write);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${ctx.portalPath}/applications/${encodeURIComponent(id)}`)));
      ctx.listedApps.delete(id);
      ctx.sessionApps.delete(id);
    },
  };
}

/** The session developer's applications are the namespace of the run that last wrote one (M11). */
function claim(ctx: ClassicContext, write: Write<'application'>): void {
  const namespace = write.labels[OWNER_LABEL];
  if (namespace !== undefined) ctx.owner.namespace = namespace;
}

/** Only the session developer can own what the session makes (M12); the config check says so first. */
function checkOwner(ctx: ClassicContext, a: Write<'application'>['attrs']): void {
  if (a.owner === undefined) return;
  const email = ctx.sessionEmail();
  if (a.owner.type === 'developer' && email !== undefined && a.owner.name.toLowerCase() === email.toLowerCase()) return;
  throw new BackendError(`application "${a.reference_id}": on the classic portal its owner is the session developer (${email ?? 'none'}), not ${a.owner.type} "${a.owner.name}"`, 400);
}
