import { address, type KindSpec } from '../kind.js';

export const registration: KindSpec<'registration'> = {
  kind: 'registration',
  noun: 'registration',
  section: 'applications',
  parent: 'application',
  list: 'registrations',
  key: (a) => `${a.application}/${a.product}/${a.version}`,
  references: (a) => [
    { address: address('application', a.application), field: 'application', cascade: true },
    { address: address('product_version', `${a.product}/${a.version}`), field: 'version', cascade: true },
  ],
  // No default status: when the config leaves it out, the version's auto-approve decides it on
  // creation and later changes (an admin approving in the portal) are not fought over.
  withDefaults: (a) => ({ ...a }),
};
