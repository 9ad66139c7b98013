import type { Capabilities } from '../../backend.js';

/**
 * What the classic portal (v2) cannot do (MAPPING 4, 5). Cannot hold: a version's description (M1:
 * an API product version has none) and visibility (M4: only the portal is public or not); labels
 * and protection on applications (M11: the Portal API's create has no labels, and the admin API
 * cannot write applications), and protection of registrations and credentials (M14). Cannot change
 * in place: an application's auth strategy (M10), a strategy's type. The portal's settings: no
 * default_api_visibility (v3 only); authentication_enabled is held as the inverse of is_public. A team
 * has a name only: no description, and it cannot own applications (M12). Chosen when the config leaves
 * it out: an application's owner (the session developer, M12) and auth strategy (the portal's default).
 * A second create under a held key: an application's reference ID is refused (409, unique in the
 * portal), a registration finds the one there (409, then re-list).
 */
export const CLASSIC_CAPABILITIES: Capabilities = {
  unsupported: {
    product_version: ['description', 'visibility'],
    application: ['labels', 'protected'],
    registration: ['protected'],
    credential: ['protected'],
    portal_settings: ['default_api_visibility'],
    team: ['description', 'can_own_applications'],
  },
  immutable: {
    auth_strategy: ['type'],
    application: ['auth_strategy'],
  },
  chosenWhenAbsent: {
    application: ['owner', 'auth_strategy'],
  },
  secondCreate: {
    application: 'refused',
    registration: 'found',
  },
};
