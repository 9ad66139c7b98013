import type { LocalEngine } from '../engine.js';

/**
 * The id of the portal developers and teams belong to: the store's first, or a fresh one (as the
 * emulator makes: `default`, authentication on, nothing auto-approved) for a state only the local
 * backend wrote.
 */
export function portalIdOf(engine: LocalEngine): string {
  return (
    engine.list('portals')[0]?.[0] ??
    engine.create('portals', { name: 'default', display_name: 'default', auto_approve_applications: false, default_application_auth_strategy_id: null, authentication_enabled: true }).id
  );
}
