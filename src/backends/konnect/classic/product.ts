import { OWNER_LABEL } from '../../backend.js';
import type { Adapters, LiveObject, Write } from '../../adapter.js';
import { deleted, labelsUpdate, repeatOn500, unknownOn500 } from '../context.js';
import { PROTECTED_LABEL, userLabels, withProtection, type ClassicContext } from './context.js';
import type { ProductItem } from './wire.js';

const PATH = '/v2/api-products';

/**
 * Products ↔ API products (MAPPING 4.1). A product is published to the portal through its
 * `portal_ids`: created with this portal, and an update sends the live portals plus this one, never
 * removing another (M25). Ownership and protection are labels.
 */
export function products(ctx: ClassicContext): Adapters['product'] {
  return {
    list: async () => {
      const out: LiveObject<'product'>[] = [];
      for (const p of await ctx.products()) {
        ctx.productLabels.set(p.id, p.labels ?? {});
        ctx.productPortals.set(p.id, portalsOf(p));
        out.push({
          id: p.id,
          attrs: { name: p.name, description: p.description ?? '' },
          labels: userLabels(p.labels),
          protected: p.labels?.[PROTECTED_LABEL] === 'true',
        });
      }
      return out;
    },
    create: async (write) => {
      const labels = labelsOf(write);
      const body = { name: write.attrs.name, description: write.attrs.description || null, labels, portal_ids: [ctx.portal.id] };
      const created = await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<ProductItem>(PATH, body)),
        // Konnect keeps no product name unique: the one this run labelled is the one it made.
        async () =>
          (await ctx.listFresh<ProductItem>(PATH, { filter: { name: { eq: body.name } } })).find(
            (p) => p.name === body.name && p.labels?.[OWNER_LABEL] === labels[OWNER_LABEL],
          ),
      );
      ctx.productLabels.set(created.id, labels);
      ctx.productPortals.set(created.id, portalsOf(created));
      return { id: created.id };
    },
    update: async (id, write) => {
      const want = labelsOf(write);
      const portals = [...new Set([...(ctx.productPortals.get(id) ?? []), ctx.portal.id])];
      await repeatOn500(ctx, () =>
        ctx.admin.patch(`${PATH}/${encodeURIComponent(id)}`, {
          description: write.attrs.description || null,
          labels: labelsUpdate(ctx.productLabels.get(id), want),
          portal_ids: portals,
        }),
      );
      ctx.productLabels.set(id, want);
      ctx.productPortals.set(id, portals);
    },
    // Its versions (those not managed in this run too) go with it, as on the local backend.
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${PATH}/${encodeURIComponent(id)}`)));
      ctx.productLabels.delete(id);
      ctx.productPortals.delete(id);
    },
  };
}

function labelsOf(write: Write<'product'>): Record<string, string> {
  return withProtection(write.labels, PROTECTED_LABEL, write.protected);
}

/** The portals a product is published to: `portals[]`, or the deprecated `portal_ids`. */
function portalsOf(p: ProductItem): string[] {
  return p.portals?.map((x) => x.portal_id) ?? p.portal_ids ?? [];
}
