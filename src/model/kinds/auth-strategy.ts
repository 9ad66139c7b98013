import type { KindSpec } from '../kind.js';

export const authStrategy: KindSpec<'auth_strategy'> = {
  kind: 'auth_strategy',
  noun: 'auth strategy',
  section: 'auth_strategies',
  key: (a) => a.name,
  references: () => [],
  // Konnect keeps a strategy's type for life: another type is another strategy.
  replacedOn: ['type'],
  withDefaults: (a) =>
    a.type === 'key_auth'
      ? { display_name: a.name, key_names: ['apikey'], ...a }
      : { display_name: a.name, credential_claim: ['sub'], scopes: ['openid'], auth_methods: ['client_credentials', 'bearer'], ...a },
};
