import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Portal } from '../../src/backends/konnect/portal.js';
import { clientsFor, failure, json, type SeenRequest, type Stub, stubServer } from './stub-server.js';
import type { ServerResponse } from 'node:http';

const EMAIL = 'dev@example.com';
const PASSWORD = 'correct-horse-battery';
const developerEnv = { KONNECT_PORTAL_EMAIL: EMAIL, KONNECT_PORTAL_PASSWORD: PASSWORD };
const portal: Portal = { id: 'p1', name: 'default', canonical_domain: 'portal.example.com' };

/**
 * A portal's client API: authenticate hands out cookies `cookie-1`, `cookie-2`, …; `/api/v3/applications`
 * answers 200 for the current cookie and 401 otherwise. `expire()` makes the current cookie stale.
 */
async function portalApi(options: { login?: (req: SeenRequest, res: ServerResponse) => boolean } = {}) {
  let issued = 0;
  let valid: string | undefined;
  const stub: Stub = await stubServer((req, res) => {
    if (req.path === '/api/v3/developer/authenticate') {
      if (options.login?.(req, res)) return;
      const { username, password } = JSON.parse(req.body) as { username: string; password: string };
      if (username !== EMAIL || password !== PASSWORD) {
        return json(res, 401, { status: 401, title: 'Invalid Credentials', instance: 'x', detail: 'You have entered an invalid email or password.' });
      }
      valid = `cookie-${++issued}-0123456789abcdef`;
      res.writeHead(204, {
        'Set-Cookie': [
          `portalaccesstoken=${valid}; Path=/; HttpOnly; Secure; SameSite=None`,
          'portalrefreshtoken=refresh; Path=/v2/refresh; HttpOnly',
        ],
      });
      return res.end();
    }
    if (req.headers.cookie !== `portalaccesstoken=${valid}`) {
      return json(res, 401, { status: 401, title: 'Unauthorized', instance: 'x', detail: `Unauthorized ${req.headers.cookie}` });
    }
    if (req.method === 'POST') return json(res, 201, { id: 'c1', display_name: 'ci', credential: 'the-key' });
    json(res, 200, { data: [], meta: { page: { number: 1, size: 100, total: 0 } } });
  });
  return {
    stub,
    logins: () => stub.requests.filter((r) => r.path === '/api/v3/developer/authenticate').length,
    expire: () => {
      valid = 'nobody-has-this';
    },
    cookie: () => valid,
  };
}

function sessionOn(url: string, env: NodeJS.ProcessEnv = developerEnv) {
  const clients = clientsFor(url, { portalUrl: url }, {}, env);
  const got = clients.developerSession(portal);
  if (!('session' in got)) throw new Error(got.missing);
  return { ...clients, session: got.session, portalUrl: got.portalUrl };
}

describe('the developer session', () => {
  it('logs in with the email and password, then sends the portalaccesstoken cookie', async () => {
    const api = await portalApi();
    const { session } = sessionOn(api.stub.url);
    await session.get('/api/v3/applications');
    const [login, list] = api.stub.requests;
    expect(login!.method).toBe('POST');
    expect(login!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(login!.body)).toEqual({ username: EMAIL, password: PASSWORD });
    expect(login!.headers.authorization).toBeUndefined();
    expect(list!.headers.cookie).toBe(`portalaccesstoken=${api.cookie()}`);
    // The admin token is not sent to the portal.
    expect(list!.headers.authorization).toBeUndefined();
  });

  it('logs in once for many requests at the same time', async () => {
    const api = await portalApi();
    const { session } = sessionOn(api.stub.url);
    await Promise.all(Array.from({ length: 8 }, () => session.get('/api/v3/applications')));
    expect(api.logins()).toBe(1);
  });

  it('logs in again once when the session expired (401), and the request goes through', async () => {
    const api = await portalApi();
    const { session } = sessionOn(api.stub.url);
    await session.get('/api/v3/applications');
    api.expire();
    await Promise.all([session.get('/api/v3/applications'), session.get('/api/v3/applications'), session.postOnce('/api/v3/applications/a/credentials', { display_name: 'ci' })]);
    expect(api.logins()).toBe(2);
  });

  it('a 401 that outlives a new login is an error, not a loop', async () => {
    let logins = 0;
    const stub = await stubServer((req, res) => {
      if (req.path === '/api/v3/developer/authenticate') {
        logins++;
        res.writeHead(204, { 'Set-Cookie': `portalaccesstoken=c${logins}-abcdefgh; Path=/` });
        return res.end();
      }
      json(res, 401, { status: 401, title: 'Unauthorized', instance: 'x', detail: 'Unauthorized' });
    });
    const { session } = sessionOn(stub.url);
    const error = await failure(session.get('/api/v3/applications'));
    expect(error.message).toBe('GET /api/v3/applications: 401 Unauthorized');
    expect(logins).toBe(2);
  });

  it('wrong credentials: one clear line without the password', async () => {
    const api = await portalApi();
    const { session } = sessionOn(api.stub.url, { KONNECT_PORTAL_EMAIL: EMAIL, KONNECT_PORTAL_PASSWORD: 'wrong-password' });
    const error = await failure(session.login());
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `developer login as ${EMAIL} at ${api.stub.url} failed: 401 Invalid Credentials: You have entered an invalid email or password. (check KONNECT_PORTAL_EMAIL and KONNECT_PORTAL_PASSWORD)`,
    );
    expect(inspect(error)).not.toContain('wrong-password');
  });

  it('a developer pending approval: one clear line', async () => {
    const api = await portalApi({
      login: (_req, res) => {
        json(res, 401, { status: 401, title: 'Approval Required', instance: 'x', detail: 'Your account is pending approval for access.' });
        return true;
      },
    });
    const error = await failure(sessionOn(api.stub.url).session.login());
    expect(error.message).toMatch(/^developer login as dev@example\.com at .* failed: 401 Approval Required: Your account is pending approval for access\. /);
  });

  it('an answer without the cookie is one clear line', async () => {
    const api = await portalApi({
      login: (_req, res) => {
        res.writeHead(204);
        res.end();
        return true;
      },
    });
    const error = await failure(sessionOn(api.stub.url).session.login());
    expect(error.message).toBe(`developer login as ${EMAIL} at ${api.stub.url}: the answer (204) set no portalaccesstoken cookie`);
  });

  it('neither the cookie nor the password reaches an error or a debug line, even when echoed', async () => {
    const cookies: string[] = [];
    const stub = await stubServer((req, res) => {
      if (req.path === '/api/v3/developer/authenticate') {
        cookies.push(`session-${cookies.length + 1}-0123456789abcdef`);
        res.writeHead(204, { 'Set-Cookie': `portalaccesstoken=${cookies.at(-1)}; Path=/` });
        return res.end();
      }
      // Every request is refused, with what it sent (cookie and all) echoed back.
      json(res, 401, { status: 401, title: 'Unauthorized', instance: 'x', detail: `you sent ${req.headers.cookie} ${PASSWORD}` });
    });
    const clients = sessionOn(stub.url);
    const error = await failure(clients.session.get('/api/v3/applications'));
    expect(error.message).toBe('GET /api/v3/applications: 401 Unauthorized: you sent portalaccesstoken=(secret) (secret)');
    expect(cookies).toHaveLength(2);
    const everything = [error.message, inspect(error), ...clients.debugLines, inspect(clients, { depth: 6 })].join('\n');
    for (const secret of [...cookies, PASSWORD]) expect(everything).not.toContain(secret);
  });

  it('without KONNECT_PORTAL_EMAIL / KONNECT_PORTAL_PASSWORD it says what is missing', () => {
    const clients = clientsFor('http://127.0.0.1:9', {}, {}, {});
    const got = clients.developerSession(portal);
    expect(got).toEqual({ missing: expect.stringMatching(/^set KONNECT_PORTAL_EMAIL and KONNECT_PORTAL_PASSWORD/) });
  });

  it('defaults to the portal’s canonical domain over https', () => {
    const clients = clientsFor('http://127.0.0.1:9', {}, {}, developerEnv);
    const got = clients.developerSession(portal);
    expect('portalUrl' in got && got.portalUrl).toBe('https://portal.example.com');
  });
});
