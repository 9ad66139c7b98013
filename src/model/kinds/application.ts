import type { KindDefinition } from '../kind.js';

export const application = {
  kind: 'application',
  noun: 'application',
  place: { section: 'applications' },
  lifecycle: 'crud',
  ownership: 'label',
  keyFields: ['reference_id'],
  refs: [{ kind: 'auth_strategy', fields: ['auth_strategy'] }],
  definition: 'Application',
} satisfies KindDefinition<'application'>;
