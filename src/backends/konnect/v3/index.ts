import type { Adapters } from '../../adapter.js';
import { konnectPortalSettings } from '../portal-settings.js';
import { applications } from './application.js';
import { authStrategies } from './auth-strategy.js';
import type { V3Context } from './context.js';
import { credentials } from './credential.js';
import { developers } from './developer.js';
import { products } from './product.js';
import { productVersions } from './product-version.js';
import { registrations } from './registration.js';
import { teamMembers } from './team-member.js';
import { teamRoles } from './team-role.js';
import { teams } from './team.js';

/** The Konnect v3 backend's adapter of every kind, over one context (clients, portal, memoized lists). */
export function v3Adapters(ctx: V3Context): Adapters {
  return {
    auth_strategy: authStrategies(ctx),
    portal_settings: konnectPortalSettings(ctx, { portalPath: ctx.portalPath, classic: false }),
    product: products(ctx),
    product_version: productVersions(ctx),
    application: applications(ctx),
    registration: registrations(ctx),
    credential: credentials(ctx),
    developer: developers(ctx),
    team: teams(ctx),
    team_member: teamMembers(ctx),
    team_role: teamRoles(ctx),
  };
}
