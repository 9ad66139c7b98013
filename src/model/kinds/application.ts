import { address, type KindDefinition } from '../kind.js';

export const application: KindDefinition<'application'> = {
  kind: 'application',
  noun: 'application',
  place: { section: 'applications' },
  lifecycle: 'crud',
  ownership: 'label',
  keyFields: ['reference_id'],
  references: (a) => (a.auth_strategy === undefined ? [] : [{ address: address('auth_strategy', a.auth_strategy), field: 'auth_strategy' }]),
  definition: 'Application',
};
