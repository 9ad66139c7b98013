import type { KindDefinition } from '../kind.js';

export const product = {
  kind: 'product',
  noun: 'product',
  place: { section: 'products' },
  lifecycle: 'crud',
  ownership: 'label',
  keyFields: ['name'],
  definition: 'Product',
} satisfies KindDefinition<'product'>;
