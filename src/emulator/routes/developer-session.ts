import { passwordMatches } from '../../backends/local/engine.js';
import { noContent, ok, unauthorized } from '../http.js';
import { page } from '../listing.js';
import { SESSION_COOKIE } from '../server.js';
import { checkBody } from '../validate.js';
import { stamps, type Route } from './route.js';

/**
 * The developer session of the Portal API (6.1 #31–33, 6.2 #31–32, 6.3 #24), the same in v2 and v3
 * under their prefix: authenticate with email and password for the `portalaccesstoken` cookie; `me`;
 * refresh. The cookie has no `Secure` (the emulator speaks plain http on loopback) and no Domain
 * (the host is the emulator's).
 */
export function sessionRoutes(prefix: '/api/v2' | '/api/v3'): Route[] {
  return [
    {
      method: 'POST',
      path: `${prefix}/developer/authenticate`,
      auth: 'none',
      handle: (ctx, state) => {
        const body = checkBody<{ username: string; password: string }>(
          ctx.body,
          { username: { type: 'string', format: 'email' }, password: { type: 'string' } },
          ['username', 'password'],
        );
        const id = state.developerByEmail(body.username);
        const developer = id === undefined ? undefined : state.engine.get('developers', id);
        if (id === undefined || developer === undefined || !passwordMatches(body.password, developer.password_hash)) {
          throw unauthorized('Invalid Credentials', 'You have entered an invalid email or password.');
        }
        if (developer.status !== 'approved') throw unauthorized('Approval Required', 'Your account is pending approval for access.');
        const token = state.openSession(id);
        return { status: 204, headers: { 'set-cookie': `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax` } };
      },
    },
    {
      method: 'GET',
      path: `${prefix}/developer/me`,
      auth: 'session',
      handle: (ctx, state) => {
        const d = state.engine.get('developers', ctx.developerId!);
        return ok({ id: ctx.developerId, email: d.email, full_name: d.full_name, ...stamps(d) });
      },
    },
    {
      method: 'POST',
      path: `${prefix}/developer/refresh`,
      auth: 'session',
      handle: () => noContent(),
    },
  ];
}

/** v3's session, plus the developer's teams (v2 has no teams). */
export const developerSessionRoutes: Route[] = [
  ...sessionRoutes('/api/v3'),
  {
    method: 'GET',
    path: '/api/v3/developer/teams',
    auth: 'session',
    handle: (ctx, state) => {
      const teams = state.engine.list('teams').filter(([, t]) => t.portal_id === state.portalId && (t.members ?? []).includes(ctx.developerId!));
      return ok(page(ctx, teams, {}, () => () => null, ([id, t]) => ({ id, name: t.name, description: t.description ?? null, ...stamps(t) })));
    },
  },
];
