import type { KindDefinition } from '../kind.js';

export const registration = {
  kind: 'registration',
  noun: 'registration',
  place: { parent: 'application', list: 'registrations', parentField: 'application' },
  lifecycle: 'crud',
  ownership: 'parent',
  keyFields: ['application', 'product', 'version'],
  refs: [{ kind: 'product_version', fields: ['product', 'version'], cascade: true }],
  // No default status: when the config leaves it out, the version's auto-approve decides it on
  // creation and later changes (an admin approving in the portal) are not fought over.
  unmanagedWhenAbsent: ['status'],
  definition: 'Registration',
} satisfies KindDefinition<'registration'>;
