import type { Adapters, LiveObject, Write } from '../../adapter.js';
import {
  deleted,
  repeatOn500,
  labelsUpdate,
  PRODUCT_PROTECTED_LABEL,
  PROTECTED_LABEL,
  userLabels,
  withProtection,
  type V3Context,
} from './context.js';
import type { ApiItem } from './wire.js';

/** A product's live id: v3 has no product object, only the APIs sharing its name (M2). */
export const productId = (name: string) => `product:${name}`;
export const productName = (id: string) => id.slice('product:'.length);

/**
 * Products ↔ the APIs that share a name (MAPPING 3.1, M2): create and delete write nothing of their
 * own (the versions' APIs carry the product), an update PATCHes the description and labels of each
 * of its APIs. Read from the first API of the name; APIs that disagree show as drift.
 */
export function products(ctx: V3Context): Adapters['product'] {
  return {
    list: async () => {
      const byName = new Map<string, ApiItem[]>();
      for (const api of await ctx.apis()) {
        if (api.version === null || api.version === undefined) continue; // M24: not a product version
        ctx.apiLabels.set(api.id, api.labels ?? {});
        ctx.apiProduct.set(api.id, api.name);
        let list = byName.get(api.name);
        if (list === undefined) byName.set(api.name, (list = []));
        list.push(api);
      }
      const out: LiveObject<'product'>[] = [];
      for (const [name, apis] of byName) {
        const first = apis[0]!;
        const description = first.description ?? '';
        const labels = userLabels(first.labels);
        const isProtected = first.labels?.[PRODUCT_PROTECTED_LABEL] === 'true';
        ctx.products.set(name, { description, labels, protected: isProtected });
        out.push({
          id: productId(name),
          attrs: { name, description },
          labels,
          protected: isProtected,
        });
      }
      return out;
    },
    create: async (write) => {
      ctx.products.set(write.attrs.name, product(write));
      return { id: productId(write.attrs.name) };
    },
    update: async (id, write) => {
      const name = productName(id);
      const p = product(write);
      ctx.products.set(name, p);
      await Promise.all(
        apisOf(ctx, name).map(async (apiId) => {
          const live = ctx.apiLabels.get(apiId) ?? {};
          const want = apiLabels(p, live[PROTECTED_LABEL] === 'true');
          await repeatOn500(ctx, () =>
            ctx.admin.patch(`/v3/apis/${encodeURIComponent(apiId)}`, {
              description: p.description,
              labels: labelsUpdate(live, want),
            }),
          );
          ctx.apiLabels.set(apiId, want);
        }),
      );
    },
    // Its versions are deleted first; what is left of it (versions not managed in this run) goes with it, as on the local backend.
    delete: async (id) => {
      const name = productName(id);
      await Promise.all(
        apisOf(ctx, name).map((apiId) =>
          deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`/v3/apis/${encodeURIComponent(apiId)}`))).then(() => forgetApi(ctx, apiId)),
        ),
      );
      ctx.products.delete(name);
    },
  };
}

function product(write: Write<'product'>) {
  return {
    description: write.attrs.description ?? '',
    labels: write.labels,
    protected: write.protected,
  };
}

/** The labels of one API: its product's (with the owner label), the product's protection and its own. */
export function apiLabels(p: { labels: Record<string, string>; protected: boolean }, versionProtected: boolean): Record<string, string> {
  return withProtection(withProtection(p.labels, PRODUCT_PROTECTED_LABEL, p.protected), PROTECTED_LABEL, versionProtected);
}

export function apisOf(ctx: V3Context, name: string): string[] {
  return [...ctx.apiProduct].filter(([, n]) => n === name).map(([id]) => id);
}

export function forgetApi(ctx: V3Context, apiId: string): void {
  ctx.apiProduct.delete(apiId);
  ctx.apiLabels.delete(apiId);
  ctx.listedApis.delete(apiId);
}
