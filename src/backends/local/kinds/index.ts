import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import { applications } from './application.js';
import { authStrategies } from './auth-strategy.js';
import { credentials } from './credential.js';
import { portalSettings } from './portal-settings.js';
import { products } from './product.js';
import { productVersions } from './product-version.js';
import { registrations } from './registration.js';
import { developers } from './developer.js';
import { teams } from './team.js';
import { teamMembers } from './team-member.js';
import { teamRoles } from './team-role.js';

/** The local backend's adapter of every kind, over one engine. */
export function localAdapters(engine: LocalEngine): Adapters {
  return {
    auth_strategy: authStrategies(engine),
    portal_settings: portalSettings(engine),
    product: products(engine),
    product_version: productVersions(engine),
    developer: developers(engine),
    team: teams(engine),
    team_member: teamMembers(engine),
    team_role: teamRoles(engine),
    application: applications(engine),
    registration: registrations(engine),
    credential: credentials(engine),
  };
}
