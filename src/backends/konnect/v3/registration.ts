import type { Adapters, LiveObject, Write } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, repeatOn500, unknownOn500, type V3Context } from './context.js';
import type { RegistrationItem } from './wire.js';

/**
 * Registrations ↔ the application's registrations sub-resource (MAPPING 3.3): created as
 * `approved|pending` (or without a status, which auto-approve decides), then PATCHed when the status
 * wanted is another (rejected, revoked: M16) or the answer differs. Registrations of applications or
 * APIs that are not listed (not portalctl's) are left out.
 */
export function registrations(ctx: V3Context): Adapters['registration'] {
  const base = (appId: string) => `${ctx.portalPath}/applications/${encodeURIComponent(appId)}/registrations`;
  return {
    list: async () => {
      const out: LiveObject<'registration'>[] = [];
      for (const r of await ctx.registrations()) {
        if (!ctx.listedApps.has(r.application.id) || !ctx.listedApis.has(r.api.id)) continue;
        out.push({
          id: `${r.application.id}/${r.id}`,
          attrs: {
            application: r.application.id,
            version: r.api.id,
            status: r.status,
          },
          labels: {},
          protected: false,
        });
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const initial = a.status === 'approved' || a.status === 'pending' ? { status: a.status } : {};
      const find = async () => (await ctx.listFresh<RegistrationItem>(base(a.application))).find((r) => r.api.id === a.version);
      let created: RegistrationItem;
      try {
        created = await ctx.admin.createIdempotently(
          () =>
            unknownOn500(() =>
              ctx.admin.postOnce<RegistrationItem>(base(a.application), {
                api_id: a.version,
                ...initial,
              }),
            ),
          find,
        );
      } catch (error) {
        // Already there (an earlier attempt landed): take it.
        const existing = error instanceof HttpError && error.status === 409 ? await find() : undefined;
        if (existing === undefined) throw error;
        created = existing;
      }
      if (a.status !== undefined && created.status !== a.status) await setStatus(ctx, base(a.application), created.id, a.status);
      return { id: `${a.application}/${created.id}` };
    },
    update: async (id, { attrs: a }: Write<'registration'>) => {
      if (a.status === undefined) return;
      const [appId, registrationId] = split(id);
      await setStatus(ctx, base(appId), registrationId, a.status);
    },
    delete: async (id) => {
      const [appId, registrationId] = split(id);
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${base(appId)}/${encodeURIComponent(registrationId)}`)));
    },
  };
}

function setStatus(ctx: V3Context, base: string, registrationId: string, status: string): Promise<unknown> {
  return repeatOn500(ctx, () =>
    ctx.admin.patch(`${base}/${encodeURIComponent(registrationId)}`, {
      status,
    }),
  );
}

/** A registration's id here is `<application id>/<registration id>`: its routes need both. */
function split(id: string): [string, string] {
  const at = id.indexOf('/');
  return [id.slice(0, at), id.slice(at + 1)];
}
