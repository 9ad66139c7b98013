import type { KindDefinition } from '../kind.js';

export const productVersion = {
  kind: 'product_version',
  noun: 'product version',
  place: { parent: 'product', list: 'versions', parentField: 'product' },
  lifecycle: 'crud',
  ownership: 'parent',
  keyFields: ['product', 'name'],
  refs: [{ kind: 'auth_strategy', fields: ['registration.auth_strategy'] }],
  definition: 'ProductVersion',
  // The portal's authentication check points at the line that enables registration.
  locatedFields: ['registration.enabled', 'visibility'],
} satisfies KindDefinition<'product_version'>;
