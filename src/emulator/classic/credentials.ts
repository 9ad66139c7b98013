import { credentialWriteRoutes, listCredentials } from '../routes/credentials.js';
import type { Route } from '../routes/route.js';
import { ownClassicApplication } from './applications.js';

/**
 * Classic credentials (6.2 #38–40, 6.3 #25): the client API only, on the developer's own
 * applications (another's answers 404). The same rules as v3: the key once, its hash kept, at most
 * 20, `expires_at` from the strategy's ttl.
 */
export const classicCredentialRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v2/applications/{applicationId}/credentials',
    auth: 'session',
    handle: (ctx, state) => listCredentials(ctx, state, ownClassicApplication(ctx, state)[0]),
  },
  ...credentialWriteRoutes('/api/v2', ownClassicApplication),
];
