import { address, type KindSpec } from '../kind.js';

export const credential: KindSpec<'credential'> = {
  kind: 'credential',
  noun: 'credential',
  section: 'applications',
  parent: 'application',
  list: 'credentials',
  key: (a) => `${a.application}/${a.name}`,
  references: (a) => [{ address: address('application', a.application), field: 'application', cascade: true }],
  withDefaults: (a) => ({ ...a }),
};
