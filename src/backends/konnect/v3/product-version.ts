import { BackendError } from '../../backend.js';
import type { Adapters, LiveObject, Write } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500, labelsUpdate, PROTECTED_LABEL, type V3Context } from './context.js';
import { apiLabels, forgetApi, productId, productName } from './product.js';
import type { ApiItem, PublicationItem } from './wire.js';

/**
 * Product versions ↔ a v3 API (name = product, version = version) and its publication on the portal
 * (MAPPING 3.1): published ⇔ a publication exists (M5); registration enabled ⇔ `auth_strategy_ids`
 * is not null, which is always sent (omitted would mean the portal's default, M6).
 */
export function productVersions(ctx: V3Context): Adapters['product_version'] {
  return {
    list: async () => {
      const publications = new Map<string, PublicationItem>();
      for (const p of await ctx.publications()) if (p.entity_type !== 'api_package') publications.set(p.api_id, p);
      const out: LiveObject<'product_version'>[] = [];
      for (const api of await ctx.apis()) {
        if (api.version === null || api.version === undefined) continue;
        ctx.listedApis.add(api.id);
        const pub = publications.get(api.id);
        const strategy = pub?.auth_strategy_ids?.[0];
        out.push({
          id: api.id,
          attrs: {
            product: productId(api.name),
            name: api.version,
            publish_status: pub ? 'published' : 'unpublished',
            visibility: pub?.visibility ?? 'private',
            registration:
              pub && pub.auth_strategy_ids !== null && pub.auth_strategy_ids !== undefined
                ? {
                    enabled: true,
                    ...(strategy !== undefined && { auth_strategy: strategy }),
                    auto_approve: pub.auto_approve_registrations ?? false,
                  }
                : { enabled: false, auto_approve: false },
          },
          labels: {},
          protected: api.labels?.[PROTECTED_LABEL] === 'true',
        });
      }
      return out;
    },
    create: async (write) => {
      const name = productName(write.attrs.product);
      const p = ctx.products.get(name);
      if (p === undefined) throw new BackendError(`product "${name}" does not exist`, 404);
      const labels = apiLabels(p, write.protected);
      const body = {
        name,
        version: write.attrs.name,
        description: p.description,
        labels,
      };
      const api = await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<ApiItem>('/v3/apis', body)),
        async () =>
          (
            await ctx.listFresh<ApiItem>('/v3/apis', {
              filter: { name: { eq: name }, version: { eq: write.attrs.name } },
            })
          ).find((a) => a.name === name && a.version === write.attrs.name),
      );
      ctx.apiLabels.set(api.id, labels);
      ctx.apiProduct.set(api.id, name);
      ctx.listedApis.add(api.id);
      await publish(ctx, api.id, write);
      return { id: api.id };
    },
    update: async (id, write) => {
      const p = ctx.products.get(productName(write.attrs.product));
      const live = ctx.apiLabels.get(id) ?? {};
      if (p !== undefined) {
        const want = apiLabels(p, write.protected);
        if (JSON.stringify(want) !== JSON.stringify(live)) {
          await repeatOn500(ctx, () =>
            ctx.admin.patch(`/v3/apis/${encodeURIComponent(id)}`, {
              labels: labelsUpdate(live, want),
            }),
          );
          ctx.apiLabels.set(id, want);
        }
      }
      await publish(ctx, id, write);
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`/v3/apis/${encodeURIComponent(id)}`)));
      forgetApi(ctx, id);
    },
  };
}

/** The publication as the version says: PUT (an upsert) when published, DELETE when not. */
async function publish(ctx: V3Context, apiId: string, { attrs: a }: Write<'product_version'>): Promise<void> {
  const path = `/v3/apis/${encodeURIComponent(apiId)}/publications/${encodeURIComponent(ctx.portal.id)}`;
  if ((a.publish_status ?? 'published') === 'unpublished') return deleted(() => repeatOn500(ctx, () => ctx.admin.delete(path)));
  const registration = a.registration ?? { enabled: false };
  // Enabled without a strategy: omitted, which means the portal's default strategy.
  const strategy = !registration.enabled
    ? { auth_strategy_ids: null }
    : registration.auth_strategy !== undefined
      ? { auth_strategy_ids: [registration.auth_strategy] }
      : {};
  await repeatOn500(ctx, () =>
    ctx.admin.put(path, {
      ...strategy,
      auto_approve_registrations: registration.auto_approve ?? false,
      visibility: a.visibility ?? 'private',
    }),
  );
}
