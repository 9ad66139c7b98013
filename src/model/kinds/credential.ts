import type { KindDefinition } from '../kind.js';

export const credential = {
  kind: 'credential',
  noun: 'credential',
  place: { parent: 'application', list: 'credentials', parentField: 'application' },
  // A key is never changed: rotate by replacing the credential.
  lifecycle: 'create-delete',
  ownership: 'parent',
  keyFields: ['application', 'name'],
  issuesSecret: true,
  definition: 'Credential',
} satisfies KindDefinition<'credential'>;
