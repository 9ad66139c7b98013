import type { Adapters, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import type { StoredProductVersion } from '../store-records.js';

/** Product versions with their registration settings; `product` and `registration.auth_strategy` are ids. */
export function productVersions(engine: LocalEngine): Adapters['product_version'] {
  return {
    list: async () =>
      engine.list('product_versions').map(([id, v]) => ({
        id,
        attrs: {
          product: v.product_id,
          name: v.name,
          description: v.description,
          publish_status: v.publish_status,
          visibility: v.visibility,
          deprecated: v.deprecated,
          registration: {
            enabled: v.registration.enabled,
            ...(v.registration.auth_strategy_id !== null && { auth_strategy: v.registration.auth_strategy_id }),
            auto_approve: v.registration.auto_approve,
          },
        },
        labels: v.labels ?? {},
        protected: v.protected,
      })),
    create: async (write) => engine.create('product_versions', toRecord(write)),
    update: async (id, write) => engine.update('product_versions', id, toRecord(write)),
    delete: async (id) => engine.delete('product_versions', id),
  };
}

function toRecord({ attrs: a, protected: isProtected }: Write<'product_version'>): StoredProductVersion {
  const registration = a.registration ?? { enabled: false };
  return {
    product_id: a.product,
    name: a.name,
    description: a.description ?? '',
    publish_status: a.publish_status ?? 'published',
    visibility: a.visibility ?? 'private',
    deprecated: a.deprecated ?? false,
    registration: { enabled: registration.enabled, auth_strategy_id: registration.auth_strategy ?? null, auto_approve: registration.auto_approve ?? false },
    protected: isProtected,
  };
}
