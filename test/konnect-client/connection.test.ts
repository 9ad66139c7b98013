import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { connectionFromOptions, type KonnectOptions } from '../../src/backends/konnect/connection.js';
import { isLoopbackHost } from '../../src/backends/konnect/loopback.js';
import { TOKEN } from './stub-server.js';

const env = { KONNECT_TOKEN: TOKEN };

function refusal(options: KonnectOptions, environment: NodeJS.ProcessEnv = env): string {
  try {
    connectionFromOptions(options, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain(TOKEN);
    return message;
  }
  throw new Error('expected a refusal');
}

describe('the admin URL', () => {
  it('defaults to the us region', () => {
    expect(connectionFromOptions({}, env).adminUrl).toBe('https://us.api.konghq.com');
  });

  it.each(['us', 'eu', 'au', 'me', 'in', 'sg'])('--region %s', (region) => {
    expect(connectionFromOptions({ region }, env).adminUrl).toBe(`https://${region}.api.konghq.com`);
  });

  it('an unknown region names the ones there are', () => {
    expect(refusal({ region: 'mars' })).toBe('--region "mars" is not a Konnect region: use one of us, eu, au, me, in, sg');
  });

  it('--konnect-url, without its trailing slash', () => {
    expect(connectionFromOptions({ konnectUrl: 'http://127.0.0.1:8080/' }, env).adminUrl).toBe('http://127.0.0.1:8080');
  });

  it('--konnect-url and --region together are refused', () => {
    expect(refusal({ konnectUrl: 'https://eu.api.konghq.com', region: 'eu' })).toBe('give --konnect-url or --region, not both');
  });

  it('a URL ending with an API version is refused with the fix', () => {
    expect(refusal({ konnectUrl: 'https://eu.api.konghq.com/v3' })).toMatch(/ends with an API version: give the host only/);
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://example.com', /only http and https/],
    ['https://user:pw@eu.api.konghq.com', /must not hold a user name or password/],
    ['https://eu.api.konghq.com?x=1', /without a query or fragment/],
  ])('%s is refused', (konnectUrl, message) => {
    expect(refusal({ konnectUrl })).toMatch(message);
  });
});

describe('the token', () => {
  it('comes from KONNECT_TOKEN only; missing or empty is one line', () => {
    expect(refusal({}, {})).toMatch(/^KONNECT_TOKEN is not set/);
    expect(refusal({}, { KONNECT_TOKEN: '  ' })).toMatch(/^KONNECT_TOKEN is not set/);
  });

  it('a token with a line break is refused without showing it', () => {
    expect(refusal({}, { KONNECT_TOKEN: `${TOKEN}\nX-Evil: 1` })).toBe(
      'KONNECT_TOKEN holds characters a token cannot have (spaces, line breaks or control characters)',
    );
  });

  it('is never shown when the connection is printed or serialised', () => {
    const connection = connectionFromOptions({}, { ...env, KONNECT_PORTAL_EMAIL: 'dev@example.com', KONNECT_PORTAL_PASSWORD: 'hunter2-password' });
    for (const text of [inspect(connection, { depth: 5 }), JSON.stringify(connection), String(connection.token)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('hunter2-password');
    }
    expect(connection.token.reveal()).toBe(TOKEN);
  });
});

describe('plain http', () => {
  it.each(['http://example.com', 'http://10.0.0.5:8080', 'http://[2001:db8::1]', 'http://127.0.0.1.example.com'])(
    'refuses to send the token to %s before any request',
    (konnectUrl) => {
      expect(refusal({ konnectUrl })).toMatch(/^refusing to send the Konnect token over plain http to .* \(--konnect-url\): use https, or a loopback address/);
    },
  );

  it.each(['http://127.0.0.1:1', 'http://127.3.4.5', 'http://localhost:8001', 'http://[::1]:8001', 'https://example.com'])('allows %s', (konnectUrl) => {
    expect(connectionFromOptions({ konnectUrl }, env).adminUrl).toBe(konnectUrl);
  });

  it('refuses a plain-http --portal-url that is not loopback (it carries the password and cookie)', () => {
    expect(refusal({ portalUrl: 'http://portal.example.com' })).toMatch(/^refusing to send the developer's password and session cookie over plain http to portal\.example\.com \(--portal-url\)/);
    expect(connectionFromOptions({ portalUrl: 'http://127.0.0.1:9/' }, env).portalUrl).toBe('http://127.0.0.1:9');
  });

  it('knows loopback hosts', () => {
    expect(['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['example.com', '128.0.0.1', '[::2]', 'localhost.example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});

describe('the rest', () => {
  it('--parallelism defaults to 10 and takes a whole number from 1 to 100', () => {
    expect(connectionFromOptions({}, env).parallelism).toBe(10);
    expect(connectionFromOptions({ parallelism: '4' }, env).parallelism).toBe(4);
    for (const bad of ['0', '-1', '2.5', 'ten', '101']) expect(refusal({ parallelism: bad })).toMatch(/^--parallelism ".*" is not a whole number from 1 to 100$/);
  });

  it('the developer needs both email and password, or neither', () => {
    expect(connectionFromOptions({}, env).developer).toBeUndefined();
    expect(refusal({}, { ...env, KONNECT_PORTAL_EMAIL: 'dev@example.com' })).toMatch(/^KONNECT_PORTAL_EMAIL is set but KONNECT_PORTAL_PASSWORD is not/);
    expect(refusal({}, { ...env, KONNECT_PORTAL_PASSWORD: 'pw' })).toMatch(/^KONNECT_PORTAL_PASSWORD is set but KONNECT_PORTAL_EMAIL is not/);
    expect(connectionFromOptions({}, { ...env, KONNECT_PORTAL_EMAIL: 'dev@example.com', KONNECT_PORTAL_PASSWORD: 'pw' }).developer?.email).toBe('dev@example.com');
  });

  it('keeps the portal name or id', () => {
    expect(connectionFromOptions({ portal: ' developer-portal ' }, env).portal).toBe('developer-portal');
    expect(connectionFromOptions({}, env).portal).toBeUndefined();
  });
});
