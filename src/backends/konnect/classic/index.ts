import type { Adapters } from '../../adapter.js';
import { konnectPortalSettings } from '../portal-settings.js';
import { authStrategies } from '../v3/auth-strategy.js';
import { teamMembers } from '../v3/team-member.js';
import { applications } from './application.js';
import type { ClassicContext } from './context.js';
import { credentials } from './credential.js';
import { classicDevelopers } from './developer.js';
import { products } from './product.js';
import { productVersions } from './product-version.js';
import { registrations } from './registration.js';
import { classicTeams } from './team.js';
import { classicTeamRoles } from './team-role.js';

/** The classic (v2) backend's adapter of every kind, over one context; auth strategies and team members are the same API as v3's. */
export function classicAdapters(ctx: ClassicContext): Adapters {
  return {
    auth_strategy: authStrategies(ctx),
    portal_settings: konnectPortalSettings(ctx, { portalPath: ctx.portalPath, classic: true }),
    product: products(ctx),
    product_version: productVersions(ctx),
    application: applications(ctx),
    registration: registrations(ctx),
    credential: credentials(ctx),
    developer: classicDevelopers(ctx),
    team: classicTeams(ctx),
    team_member: teamMembers(ctx),
    team_role: classicTeamRoles(ctx),
  };
}
