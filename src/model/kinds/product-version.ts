import { address, type KindDefinition } from '../kind.js';

export const productVersion: KindDefinition<'product_version'> = {
  kind: 'product_version',
  noun: 'product version',
  place: { parent: 'product', list: 'versions', parentField: 'product' },
  lifecycle: 'crud',
  ownership: 'parent',
  keyFields: ['product', 'name'],
  references: (a) =>
    a.registration?.auth_strategy === undefined ? [] : [{ address: address('auth_strategy', a.registration.auth_strategy), field: 'registration.auth_strategy' }],
  definition: 'ProductVersion',
};
