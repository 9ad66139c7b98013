import type { Adapters, IdAttrs, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import { freshPortal, type StoredPortal } from '../store-records.js';

/** The settings' id: the store's one portal, whose record the first update makes when there is none yet. */
const SETTINGS_ID = 'portal';

/**
 * The portal's settings on the store's one portal (the emulator's): a state without one reads the
 * settings a fresh portal has, as the emulator would serve them, and its first update creates it.
 * Only the settings the config states are written.
 */
export function portalSettings(engine: LocalEngine): Adapters['portal_settings'] {
  return {
    list: async () => {
      const portal = engine.list('portals')[0]?.[1] ?? freshPortal();
      return [{ id: SETTINGS_ID, attrs: settingsOf(portal), labels: {}, protected: false }];
    },
    update: async (_id, write) => {
      const changes = toRecord(write);
      const [portalId] = engine.list('portals')[0] ?? [];
      if (portalId === undefined) engine.create('portals', { ...freshPortal(), ...changes });
      else engine.update('portals', portalId, changes);
    },
  };
}

export function settingsOf(p: StoredPortal): IdAttrs<'portal_settings'> {
  return {
    authentication_enabled: p.authentication_enabled,
    rbac_enabled: p.rbac_enabled ?? false,
    auto_approve_developers: p.auto_approve_developers ?? false,
    auto_approve_applications: p.auto_approve_applications,
    default_application_auth_strategy: p.default_application_auth_strategy_id,
    default_api_visibility: p.default_api_visibility ?? 'private',
  };
}

/** The stated settings only: an absent one is left as the portal has it. */
function toRecord({ attrs }: Write<'portal_settings'>): Partial<StoredPortal> {
  const changes: Partial<StoredPortal> = {};
  if (attrs.authentication_enabled !== undefined) changes.authentication_enabled = attrs.authentication_enabled;
  if (attrs.rbac_enabled !== undefined) changes.rbac_enabled = attrs.rbac_enabled;
  if (attrs.auto_approve_developers !== undefined) changes.auto_approve_developers = attrs.auto_approve_developers;
  if (attrs.auto_approve_applications !== undefined) changes.auto_approve_applications = attrs.auto_approve_applications;
  if (attrs.default_application_auth_strategy !== undefined) changes.default_application_auth_strategy_id = attrs.default_application_auth_strategy;
  if (attrs.default_api_visibility !== undefined) changes.default_api_visibility = attrs.default_api_visibility;
  return changes;
}
