import type { KindSpec } from '../kind.js';

export const product: KindSpec<'product'> = {
  kind: 'product',
  noun: 'product',
  section: 'products',
  key: (a) => a.name,
  references: () => [],
  withDefaults: (a) => ({ description: '', labels: {}, ...a }),
};
