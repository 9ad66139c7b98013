import { address, type KindSpec } from '../kind.js';

export const application: KindSpec<'application'> = {
  kind: 'application',
  noun: 'application',
  section: 'applications',
  key: (a) => a.reference_id,
  references: (a) =>
    a.auth_strategy === undefined ? [] : [{ address: address('auth_strategy', a.auth_strategy), field: 'auth_strategy' }],
  withDefaults: (a) => ({ description: '', labels: {}, ...a }),
};
