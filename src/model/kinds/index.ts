import type { AttrsByKind, Kind, KindSpec } from '../kind.js';
import { application } from './application.js';
import { authStrategy } from './auth-strategy.js';
import { credential } from './credential.js';
import { product } from './product.js';
import { productVersion } from './product-version.js';
import { registration } from './registration.js';

/** Every kind's spec, by kind. A new kind is a new file here plus its schema and adapter calls. */
export const SPECS: { [K in Kind]: KindSpec<K> } = {
  auth_strategy: authStrategy,
  product,
  product_version: productVersion,
  application,
  registration,
  credential,
};

export function specOf<K extends Kind>(kind: K): KindSpec<K> {
  return SPECS[kind];
}

export type { AttrsByKind };
