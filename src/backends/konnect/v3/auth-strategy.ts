import type { Adapters, IdAttrs, LiveObject, Write } from '../../adapter.js';
import type { KonnectContext } from '../context.js';
import { deleted, repeatOn500, unknownOn500, labelsUpdate, PROTECTED_LABEL, userLabels, withProtection } from './context.js';
import type { StrategyItem } from './wire.js';

const PATH = '/v2/application-auth-strategies';

/** Auth strategies ↔ application-auth-strategies v2 (MAPPING 2), for both portals. DCR strategies are not managed: left out. */
export function authStrategies(ctx: KonnectContext): Adapters['auth_strategy'] {
  const liveLabels = ctx.strategyLabels;
  return {
    list: async () => {
      const out: LiveObject<'auth_strategy'>[] = [];
      for (const s of await ctx.strategies()) {
        if (s.dcr_provider !== undefined && s.dcr_provider !== null) continue;
        liveLabels.set(s.id, s.labels ?? {});
        ctx.strategyTypes.set(s.id, s.strategy_type);
        out.push({
          id: s.id,
          attrs: toAttrs(s),
          labels: userLabels(s.labels),
          protected: s.labels?.[PROTECTED_LABEL] === 'true',
        });
      }
      return out;
    },
    create: async (write) => {
      const body = {
        ...toBody(write),
        strategy_type: write.attrs.type,
        labels: labels(write),
      };
      const created = await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<StrategyItem>(PATH, body)),
        async () =>
          (
            await ctx.listFresh<StrategyItem>(PATH, {
              filter: { name: { eq: write.attrs.name } },
            })
          ).find((s) => s.name === write.attrs.name),
      );
      liveLabels.set(created.id, body.labels);
      ctx.strategyTypes.set(created.id, write.attrs.type);
      return { id: created.id };
    },
    update: async (id, write) => {
      const body = toBody(write);
      const config = body.configs['key-auth'];
      // PATCH merges: an absent TTL is removed explicitly.
      if (config !== undefined && config.ttl === undefined) (config as Record<string, unknown>).ttl = null;
      const want = labels(write);
      await repeatOn500(ctx, () =>
        ctx.admin.patch(`${PATH}/${encodeURIComponent(id)}`, {
          ...body,
          labels: labelsUpdate(liveLabels.get(id), want),
        }),
      );
      liveLabels.set(id, want);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${PATH}/${encodeURIComponent(id)}`)));
      ctx.strategyTypes.delete(id);
    },
  };
}

function labels(write: Write<'auth_strategy'>): Record<string, string> {
  return withProtection(write.labels, PROTECTED_LABEL, write.protected);
}

function toAttrs(s: StrategyItem): IdAttrs<'auth_strategy'> {
  if (s.strategy_type === 'key_auth') {
    const c = s.configs['key-auth'] ?? {};
    return {
      name: s.name,
      display_name: s.display_name,
      type: 'key_auth',
      key_names: c.key_names ?? ['apikey'],
      ...(c.ttl && { ttl: c.ttl }),
    } as IdAttrs<'auth_strategy'>;
  }
  // Only the modelled keys: the OIDC config allows others (M23).
  const c = s.configs['openid-connect'] ?? {};
  return {
    name: s.name,
    display_name: s.display_name,
    type: 'openid_connect',
    issuer: c.issuer,
    credential_claim: c.credential_claim,
    scopes: c.scopes,
    auth_methods: c.auth_methods,
  } as IdAttrs<'auth_strategy'>;
}

function toBody({ attrs }: Write<'auth_strategy'>) {
  const { name, display_name, type, ...config } = attrs as IdAttrs<'auth_strategy'> & Record<string, unknown>;
  const key = type === 'key_auth' ? 'key-auth' : 'openid-connect';
  return {
    name,
    display_name: display_name ?? name,
    configs: { [key]: config } as StrategyItem['configs'],
  };
}
