import type { KindDefinition } from '../kind.js';

/**
 * The portal's own settings: one per portal, always there, so only read and updated (never created
 * or deleted) and owned by nobody. Only the fields the config states are managed: the schema gives
 * none a default, and an absent one is left as the portal has it.
 */
export const portalSettings = {
  kind: 'portal_settings',
  noun: 'portal settings',
  place: { section: 'portal_settings' },
  lifecycle: 'singleton',
  ownership: 'none',
  keyFields: [],
  fixedKey: 'portal',
  refs: [{ kind: 'auth_strategy', fields: ['default_application_auth_strategy'] }],
  unmanagedWhenAbsent: ['authentication_enabled', 'rbac_enabled', 'auto_approve_developers', 'auto_approve_applications', 'default_application_auth_strategy', 'default_api_visibility'],
  definition: 'PortalSettings',
  locatedFields: ['authentication_enabled'],
} satisfies KindDefinition<'portal_settings'>;
