import type { Adapters, LiveObject } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500, type V3Context } from './context.js';
import type { CredentialItem } from './wire.js';
import { keyFacts } from '../key-facts.js';

/**
 * Credentials (MAPPING 3.4): listed by the admin API per application — only for the applications in
 * the context's scope, since each costs a request — and created and deleted through the developer
 * session. The key is in the create's answer only. After a create whose outcome was lost, a
 * credential found by its name has lost its key: it is deleted and made again.
 */
export function credentials(ctx: V3Context): Adapters['credential'] {
  const client = (appId: string) => `/api/v3/applications/${encodeURIComponent(appId)}/credentials`;
  return {
    list: async () => {
      const scope = ctx.credentialScope;
      const apps = [...ctx.listedApps].filter((id) => scope === 'all' || scope.has(id));
      const lists = await Promise.all(apps.map(async (appId) => [appId, await ctx.credentialsOf(appId)] as const));
      const out: LiveObject<'credential'>[] = [];
      for (const [appId, items] of lists) {
        for (const c of items) {
          if (c.type !== 'api_key') continue; // client secrets are the identity provider's (M20)
          out.push({
            id: `${appId}/${c.id}`,
            attrs: { application: appId, name: c.display_name ?? '' },
            labels: {},
            protected: false,
            key: keyFacts(c),
          });
        }
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const session = ctx.session(`creating credential "${a.name}"`);
      for (let attempt = 1; ; attempt++) {
        const made = await session.createIdempotently(
          () =>
            unknownOn500(() =>
              session.postOnce<CredentialItem>(client(a.application), {
                display_name: a.name,
              }),
            ),
          async () =>
            (await ctx.listFresh<CredentialItem>(`${ctx.portalPath}/applications/${encodeURIComponent(a.application)}/credentials`)).find(
              (c) => c.display_name === a.name,
            ),
        );
        if (made.credential !== undefined) return { id: `${a.application}/${made.id}`, secret: made.credential };
        // Made, but its key was in an answer that was lost.
        await deleted(() => repeatOn500(ctx, () => session.delete(`${client(a.application)}/${encodeURIComponent(made.id)}`)));
        if (attempt >= 3) throw new Error(`credential "${a.name}": the key of a new credential was lost three times`);
      }
    },
    delete: async (id) => {
      const at = id.indexOf('/');
      const session = ctx.session('deleting a credential');
      await deleted(() => repeatOn500(ctx, () => session.delete(`${client(id.slice(0, at))}/${encodeURIComponent(id.slice(at + 1))}`)));
    },
  };
}
