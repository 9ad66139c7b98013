import type { KindDefinition } from '../kind.js';

export const product: KindDefinition<'product'> = {
  kind: 'product',
  noun: 'product',
  place: { section: 'products' },
  lifecycle: 'crud',
  ownership: 'label',
  keyFields: ['name'],
  definition: 'Product',
};
