import { address, type KindSpec, type Reference } from '../kind.js';

export const productVersion: KindSpec<'product_version'> = {
  kind: 'product_version',
  noun: 'product version',
  section: 'products',
  parent: 'product',
  list: 'versions',
  key: (a) => `${a.product}/${a.name}`,
  references: (a) => {
    const refs: Reference[] = [{ address: address('product', a.product), field: 'product', cascade: true }];
    if (a.registration?.auth_strategy !== undefined) {
      refs.push({ address: address('auth_strategy', a.registration.auth_strategy), field: 'registration.auth_strategy' });
    }
    return refs;
  },
  withDefaults: (a) => ({
    description: '',
    publish_status: 'published',
    visibility: 'private',
    deprecated: false,
    ...a,
    registration: { auto_approve: false, ...(a.registration ?? { enabled: false }) },
  }),
};
