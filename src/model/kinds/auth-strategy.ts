import type { KindDefinition } from '../kind.js';

export const authStrategy = {
  kind: 'auth_strategy',
  noun: 'auth strategy',
  place: { section: 'auth_strategies' },
  lifecycle: 'crud',
  ownership: 'label',
  keyFields: ['name'],
  // Konnect keeps a strategy's type for life: another type is another strategy.
  replacedOn: ['type'],
  definition: 'AuthStrategy',
  derivedDefaults: (a) => ({ display_name: a.name }),
} satisfies KindDefinition<'auth_strategy'>;
