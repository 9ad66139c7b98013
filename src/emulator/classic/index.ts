import { authStrategyRoutes } from '../routes/auth-strategies.js';
import { sessionRoutes } from '../routes/developer-session.js';
import type { Route } from '../routes/route.js';
import { classicApplicationRoutes } from './applications.js';
import { classicCredentialRoutes } from './credentials.js';
import { classicDeveloperRoutes } from './developers.js';
import { portalProductVersionRoutes } from './portal-product-versions.js';
import { classicPortalRoutes } from './portals.js';
import { productVersionRoutes } from './product-versions.js';
import { productRoutes } from './products.js';
import { classicRegistrationRoutes } from './registrations.js';
import { classicTeamRoleRoutes } from './team-roles.js';
import { classicTeamRoutes } from './teams.js';

/** Every route of the classic (v2) subset (MAPPING 6.2), over the same store as the v3 flavour. */
export const CLASSIC_ROUTES: readonly Route[] = [
  ...classicPortalRoutes,
  ...authStrategyRoutes,
  ...productRoutes,
  ...productVersionRoutes,
  ...portalProductVersionRoutes,
  ...classicDeveloperRoutes,
  ...classicTeamRoutes,
  ...classicTeamRoleRoutes,
  ...classicApplicationRoutes,
  ...classicRegistrationRoutes,
  ...classicCredentialRoutes,
  ...sessionRoutes('/api/v2'),
];
