import { randomBytes } from 'node:crypto';
import type { StoredApplication, StoredCredential } from '../../backends/local/store-records.js';
import { now } from '../../model/clock.js';
import { noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { applicationOf, ownApplication } from './applications.js';
import { checkPortal, type Route } from './route.js';

/**
 * Credentials (6.1 #30 admin list, #35–36 client create and delete; 6.3 #25): the key is returned
 * once, in the create answer; the store keeps its hash. At most 20 per application (the engine's
 * 403). DECISIONS: display names are unique per application (the store's key; Konnect does not
 * say), an omitted one is generated; `status` is `expired` once `expires_at` has passed.
 */
function renderCredential(id: string, c: StoredCredential) {
  const expired = c.expires_at !== undefined && Date.parse(c.expires_at) <= now().getTime();
  return { type: 'api_key', id, display_name: c.name, status: expired ? 'expired' : 'active', expires_at: c.expires_at ?? null, created_at: c.created_at };
}

/** Which application of the session developer a client route acts on (404 or 403 for another's, by API version). */
export type OwnApplication = (ctx: Ctx, state: EmulatorState) => [string, StoredApplication];

/** The client API's credential create and delete, the same in v2 and v3 under their prefix. */
export function credentialWriteRoutes(prefix: '/api/v2' | '/api/v3', own: OwnApplication): Route[] {
  return [
    {
      method: 'POST',
      path: `${prefix}/applications/{applicationId}/credentials`,
      auth: 'session',
      handle: (ctx, state) => {
        const [applicationId] = own(ctx, state);
        const body = checkBody<{ display_name?: string }>(ctx.body, { display_name: { type: 'string', maxLength: 255 } });
        const name = body.display_name ?? `key-${randomBytes(4).toString('hex')}`;
        const { id, secret } = engineCall(() => state.engine.create('credentials', { application_id: applicationId, name, protected: false }), 'display_name');
        return ok({ ...renderCredential(id, state.engine.get('credentials', id)), credential: secret }, 201);
      },
    },
    {
      method: 'DELETE',
      path: `${prefix}/applications/{applicationId}/credentials/{credentialId}`,
      auth: 'session',
      handle: (ctx, state) => {
        const [applicationId] = own(ctx, state);
        const id = ctx.params.credentialId!;
        if (!state.engine.has('credentials', id) || state.engine.get('credentials', id).application_id !== applicationId) throw notFound();
        engineCall(() => state.engine.delete('credentials', id));
        return noContent();
      },
    },
  ];
}

/** An application's credentials, without their keys (the v3 admin list, the v2 client list). */
export function listCredentials(ctx: Ctx, state: EmulatorState, applicationId: string) {
  const mine = state.engine.childrenOf('credentials', 'credentialsOfApplication', applicationId);
  return ok(page(ctx, mine, {}, () => () => null, ([id, c]) => renderCredential(id, c)));
}

export const credentialRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/applications/{applicationId}/credentials',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [applicationId] = applicationOf(ctx, state);
      return listCredentials(ctx, state, applicationId);
    },
  },
  ...credentialWriteRoutes('/api/v3', ownApplication),
];
