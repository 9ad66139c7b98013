import type { KindDefinition } from '../kind.js';

export const teamRole = {
  kind: 'team_role',
  noun: 'team role',
  place: { parent: 'team', list: 'roles', parentField: 'team' },
  // Konnect assigns and removes roles, never changes one: another role on the version is a replace.
  lifecycle: 'create-delete',
  ownership: 'parent',
  keyFields: ['team', 'product', 'version'],
  refs: [{ kind: 'product_version', fields: ['product', 'version'], cascade: true }],
  replacedOn: ['role'],
  definition: 'TeamRole',
} satisfies KindDefinition<'team_role'>;
