import type { Capabilities } from '../../backend.js';

/**
 * What Konnect v3 cannot do (MAPPING 5). Cannot hold: a version's description (M1: the API's
 * description is the product's), `deprecated` (M3), protection of registrations and credentials
 * (M14: no labels there). Cannot change in place: an application's auth strategy (M10) and labels
 * (M9), a strategy's type. Chosen by Konnect when the config leaves it out: an application's owner
 * (the session developer) and auth strategy (the portal's default).
 * A second create under a held key: a version's API is refused (name + version are unique, UNCLEAR-7),
 * a registration finds the one there (409, then re-list), a product is its versions' name. Konnect
 * documents no uniqueness of a strategy's name (UNCLEAR-2), an application's reference (a label, M8)
 * or a credential's name (M19), and the adapters do not look before they create: only the plan
 * prevents a second one.
 */
export const V3_CAPABILITIES: Capabilities = {
  unsupported: {
    product_version: ['description', 'deprecated'],
    registration: ['protected'],
    credential: ['protected'],
  },
  immutable: {
    auth_strategy: ['type'],
    application: ['auth_strategy', 'labels'],
  },
  chosenWhenAbsent: {
    application: ['owner', 'auth_strategy'],
  },
  secondCreate: {
    product: 'found',
    product_version: 'refused',
    registration: 'found',
  },
};
