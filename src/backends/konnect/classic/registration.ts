import type { Adapters, LiveObject, Write } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, repeatOn500, unknownOn500 } from '../context.js';
import { clientApplicationPath, type ClassicContext } from './context.js';
import type { ClientRegistrationItem, RegistrationItem } from './wire.js';

/**
 * Registrations (MAPPING 4.4): created by the developer session without a status (the version's
 * auto-approve decides), then set by the admin PATCH when the config wants another (M16); status
 * changes and deletes are the admin API's. Registrations of applications or versions not listed are
 * left out.
 */
export function registrations(ctx: ClassicContext): Adapters['registration'] {
  const admin = (appId: string) => `${ctx.portalPath}/applications/${encodeURIComponent(appId)}/registrations`;
  return {
    list: async () => {
      const out: LiveObject<'registration'>[] = [];
      for (const r of await ctx.registrations()) {
        if (!ctx.listedApps.has(r.application.id) || !ctx.versionProduct.has(r.product_version.id)) continue;
        out.push({
          id: `${r.application.id}/${r.id}`,
          attrs: { application: r.application.id, version: r.product_version.id, status: r.status },
          labels: {},
          protected: false,
        });
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const session = ctx.session(`registering application ${a.application}`);
      const find = async () => {
        const found = (await ctx.listFresh<RegistrationItem>(admin(a.application))).find((r) => r.product_version.id === a.version);
        return found && { id: found.id, status: found.status, product_version_id: a.version };
      };
      let created: ClientRegistrationItem;
      try {
        created = await session.createIdempotently(
          () => unknownOn500(() => session.postOnce<ClientRegistrationItem>(`${clientApplicationPath(a.application)}/registrations`, { product_version_id: a.version })),
          find,
        );
      } catch (error) {
        // Already there (an earlier attempt landed): take it.
        const existing = error instanceof HttpError && error.status === 409 ? await find() : undefined;
        if (existing === undefined) throw error;
        created = existing;
      }
      if (a.status !== undefined && created.status !== a.status) await setStatus(ctx, admin(a.application), created.id, a.status);
      return { id: `${a.application}/${created.id}` };
    },
    update: async (id, { attrs: a }: Write<'registration'>) => {
      if (a.status === undefined) return;
      const [appId, registrationId] = split(id);
      await setStatus(ctx, admin(appId), registrationId, a.status);
    },
    delete: async (id) => {
      const [appId, registrationId] = split(id);
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${admin(appId)}/${encodeURIComponent(registrationId)}`)));
    },
  };
}

/** Approve, reject, revoke (or back to pending): the admin API's. */
function setStatus(ctx: ClassicContext, base: string, registrationId: string, status: string): Promise<unknown> {
  return repeatOn500(ctx, () => ctx.admin.patch(`${base}/${encodeURIComponent(registrationId)}`, { status }));
}

/** A registration's id here is `<application id>/<registration id>`: its routes need both. */
function split(id: string): [string, string] {
  const at = id.indexOf('/');
  return [id.slice(0, at), id.slice(at + 1)];
}
