import type { KindDefinition } from '../kind.js';

export const team = {
  kind: 'team',
  noun: 'team',
  place: { section: 'teams' },
  lifecycle: 'crud',
  // Konnect's teams carry no labels: a declared one is managed, an undeclared one never deleted.
  ownership: 'none',
  keyFields: ['name'],
  // Konnect does not keep team names unique: which of two is meant cannot be told.
  duplicatesLeftAlone: true,
  definition: 'Team',
} satisfies KindDefinition<'team'>;
