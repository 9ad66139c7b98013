import type { Adapters, LiveObject } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500 } from '../context.js';
import { clientCredentialsPath, type ClassicContext } from './context.js';
import type { CredentialItem } from './wire.js';
import { keyFacts } from '../key-facts.js';

/**
 * Credentials (MAPPING 4.5): the classic admin API has none, so they are listed, created and deleted
 * by the developer session, for its own applications only — and listed only for the applications in
 * the context's scope, since each costs a request. The key is in the create's answer only; after a
 * create whose answer was lost, a credential found by its name has lost its key: it is deleted and
 * made again.
 */
export function credentials(ctx: ClassicContext): Adapters['credential'] {
  return {
    list: async () => {
      const scope = ctx.credentialScope;
      const apps = [...ctx.sessionApps].filter((id) => scope === 'all' || scope.has(id));
      const lists = await Promise.all(apps.map(async (appId) => [appId, await ctx.credentialsOf(appId)] as const));
      const out: LiveObject<'credential'>[] = [];
      for (const [appId, items] of lists) {
        for (const c of items) {
          if (c.type !== 'api_key') continue; // client secrets are the identity provider's
          out.push({ id: `${appId}/${c.id}`, attrs: { application: appId, name: c.display_name ?? '' }, labels: {}, protected: false, key: keyFacts(c) });
        }
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      const session = ctx.session(`creating credential "${a.name}"`);
      const path = clientCredentialsPath(a.application);
      for (let attempt = 1; ; attempt++) {
        const made = await session.createIdempotently(
          () => unknownOn500(() => session.postOnce<CredentialItem>(path, { display_name: a.name })),
          async () => (await ctx.sessionList<CredentialItem>(path, `creating credential "${a.name}"`)).find((c) => c.display_name === a.name),
        );
        if (made.credential !== undefined) return { id: `${a.application}/${made.id}`, secret: made.credential };
        // Made, but its key was in an answer that was lost.
        await deleted(() => repeatOn500(ctx, () => session.delete(`${path}/${encodeURIComponent(made.id)}`)));
        if (attempt >= 3) throw new Error(`credential "${a.name}": the key of a new credential was lost three times`);
      }
    },
    delete: async (id) => {
      const at = id.indexOf('/');
      const session = ctx.session('deleting a credential');
      await deleted(() => repeatOn500(ctx, () => session.delete(`${clientCredentialsPath(id.slice(0, at))}/${encodeURIComponent(id.slice(at + 1))}`)));
    },
  };
}
