import type { Adapters, LiveObject, Write } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, labelsUpdate, repeatOn500, unknownOn500 } from '../context.js';
import { PROTECTED_LABEL, withProtection, type ClassicContext } from './context.js';
import type { PortalVersionItem, VersionItem } from './wire.js';

/**
 * Product versions ↔ an API product version plus its portal product version (MAPPING 4.2): the
 * version holds the name and protection; the portal product version on this portal holds
 * `publish_status`, `deprecated` and the registration settings. A version without one reads as
 * unpublished with registration disabled. The version's id is the API product version's, which is
 * also the portal product version's path parameter (UNCLEAR-16). The version body never carries
 * `publish_status`, `deprecated` or `gateway_service` (deprecated there, MAPPING 4.2).
 */
export function productVersions(ctx: ClassicContext): Adapters['product_version'] {
  const versionsPath = (productId: string) => `/v2/api-products/${encodeURIComponent(productId)}/product-versions`;
  const portalVersionPath = (id: string) => `${ctx.portalPath}/product-versions/${encodeURIComponent(id)}`;
  return {
    list: async () => {
      const products = await ctx.products();
      const lists = await Promise.all(products.map(async (p) => [p.id, await ctx.versionsOf(p.id)] as const));
      const out: LiveObject<'product_version'>[] = [];
      for (const [productId, versions] of lists) {
        for (const v of versions) {
          const entry = v.portals?.find((x) => x.portal_id === ctx.portal.id);
          ctx.versionLabels.set(v.id, v.labels ?? {});
          ctx.versionProduct.set(v.id, productId);
          if (entry !== undefined) ctx.portalVersions.add(v.id);
          const strategy = entry?.auth_strategies?.[0]?.id;
          out.push({
            id: v.id,
            attrs: {
              product: productId,
              name: v.name,
              publish_status: entry?.publish_status ?? 'unpublished',
              deprecated: entry?.deprecated ?? false,
              registration: {
                enabled: entry?.application_registration_enabled ?? false,
                ...(strategy !== undefined && { auth_strategy: strategy }),
                auto_approve: entry?.auto_approve_registration ?? false,
              },
            },
            labels: {},
            protected: v.labels?.[PROTECTED_LABEL] === 'true',
          });
        }
      }
      return out;
    },
    create: async (write) => {
      const productId = write.attrs.product;
      const labels = labelsOf(write);
      const body = { name: write.attrs.name, labels };
      const version = await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<VersionItem>(versionsPath(productId), body)),
        async () => (await ctx.listFresh<VersionItem>(versionsPath(productId), { filter: { name: { eq: body.name } } })).find((v) => v.name === body.name),
      );
      ctx.versionLabels.set(version.id, labels);
      ctx.versionProduct.set(version.id, productId);
      await createPortalVersion(version.id, write);
      return { id: version.id };
    },
    update: async (id, write) => {
      const productId = write.attrs.product;
      const live = ctx.versionLabels.get(id) ?? {};
      const want = labelsOf(write);
      if (JSON.stringify(want) !== JSON.stringify(live)) {
        await repeatOn500(ctx, () => ctx.admin.patch(`${versionsPath(productId)}/${encodeURIComponent(id)}`, { labels: labelsUpdate(live, want) }));
        ctx.versionLabels.set(id, want);
      }
      if (!ctx.portalVersions.has(id)) return createPortalVersion(id, write);
      await repeatOn500(ctx, () => ctx.admin.patch(portalVersionPath(id), settings(write)));
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(portalVersionPath(id))));
      ctx.portalVersions.delete(id);
      const productId = ctx.versionProduct.get(id);
      if (productId !== undefined) await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${versionsPath(productId)}/${encodeURIComponent(id)}`)));
      ctx.versionLabels.delete(id);
      ctx.versionProduct.delete(id);
    },
  };

  /**
   * The portal product version of a new version (or of one that has none yet). One that is there
   * already (a lost answer's, or a 409) is brought to the settings.
   */
  async function createPortalVersion(id: string, write: Write<'product_version'>): Promise<void> {
    const find = async () => {
      try {
        return await ctx.admin.get<PortalVersionItem>(portalVersionPath(id));
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) return undefined;
        throw error;
      }
    };
    let found = false;
    try {
      await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<PortalVersionItem>(`${ctx.portalPath}/product-versions`, { product_version_id: id, ...settings(write) })),
        async () => {
          const there = await find();
          found ||= there !== undefined;
          return there;
        },
      );
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 409)) throw error;
      found = true;
    }
    ctx.portalVersions.add(id);
    if (found) await repeatOn500(ctx, () => ctx.admin.patch(portalVersionPath(id), settings(write)));
  }
}

/** The portal product version's fields (all six are required on create, MAPPING 4.2). */
function settings({ attrs: a }: Write<'product_version'>) {
  const registration = a.registration ?? { enabled: false };
  return {
    publish_status: a.publish_status ?? 'published',
    auth_strategy_ids: registration.auth_strategy !== undefined ? [registration.auth_strategy] : [],
    application_registration_enabled: registration.enabled,
    auto_approve_registration: registration.auto_approve ?? false,
    deprecated: a.deprecated ?? false,
  };
}

function labelsOf(write: Write<'product_version'>): Record<string, string> {
  return withProtection({}, PROTECTED_LABEL, write.protected);
}
