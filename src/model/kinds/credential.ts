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

/** Konnect's limit of credentials per application ("Maximum number of Credentials exceeded. Max Allowed: 20"). */
export const MAX_CREDENTIALS_PER_APPLICATION = 20;
