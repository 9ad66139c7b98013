import { describe, expect, it } from 'vitest';
import type { Portal } from '../../src/backends/konnect/portal.js';
import { clientsFor, json, stubServer } from './stub-server.js';

const EMAIL = 'dev@example.com';
const portal: Portal = { id: 'p1', name: 'default', canonical_domain: 'portal.example.com' };

describe('the developer session login', () => {
  it('is sent again after a 500, since logging in twice does no harm (a faulty portal fails a plan otherwise)', async () => {
    let logins = 0;
    const stub = await stubServer((req, res) => {
      if (req.path === '/api/v3/developer/authenticate') {
        if (++logins === 1) return json(res, 500, { status: 500, title: 'Internal Server Error', instance: 'x', detail: 'boom' });
        res.writeHead(204, { 'Set-Cookie': 'portalaccesstoken=c-0123456789abcdef; Path=/' });
        return res.end();
      }
      json(res, 200, { data: [], meta: { page: { number: 1, size: 100, total: 0 } } });
    });
    const clients = clientsFor(stub.url, { portalUrl: stub.url }, {}, { KONNECT_PORTAL_EMAIL: EMAIL, KONNECT_PORTAL_PASSWORD: 'pw-session-retry' });
    const got = clients.developerSession(portal);
    if (!('session' in got)) throw new Error(got.missing);
    await got.session.login();
    expect(logins).toBe(2);
    expect(await got.session.listAll('/api/v3/applications')).toEqual([]);
  });
});
