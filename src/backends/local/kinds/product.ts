import type { Adapters, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import type { StoredProduct } from '../store-records.js';

export function products(engine: LocalEngine): Adapters['product'] {
  return {
    list: async () =>
      engine.list('products').map(([id, p]) => ({ id, attrs: { name: p.name, description: p.description }, labels: p.labels ?? {}, protected: p.protected })),
    create: async (write) => engine.create('products', toRecord(write)),
    update: async (id, write) => engine.update('products', id, toRecord(write)),
    delete: async (id) => engine.delete('products', id),
  };
}

function toRecord({ attrs, labels, protected: isProtected }: Write<'product'>): StoredProduct {
  return { name: attrs.name, description: attrs.description ?? '', labels, protected: isProtected };
}
