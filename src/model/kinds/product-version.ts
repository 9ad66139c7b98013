import type { KindDefinition } from '../kind.js';

export const productVersion: KindDefinition<'product_version'> = {
  kind: 'product_version',
  noun: 'product version',
  place: { parent: 'product', list: 'versions', parentField: 'product' },
  lifecycle: 'crud',
  ownership: 'parent',
  keyFields: ['product', 'name'],
  refs: [{ kind: 'auth_strategy', fields: ['registration.auth_strategy'] }],
  definition: 'ProductVersion',
};
