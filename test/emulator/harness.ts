import { afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

export const TOKEN = 'kpat_test_token';
export const DEV = { email: 'dev@example.com', password: 'pw-123' };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** A started emulator (stopped after the test) and a client for it. */
export async function emulator(options: EmulatorOptions = {}) {
  const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV], ...options });
  running.push(emu);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(emu.adminUrl + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
  };
  const portal = `/v3/portals/${emu.portalId}`;
  return { emu, call, portal };
}

export type Client = Awaited<ReturnType<typeof emulator>>;

/** Logs the seeded developer in: the cookie header for client routes. */
export async function login(emu: RunningEmulator, email = DEV.email, password = DEV.password): Promise<string> {
  const res = await fetch(`${emu.portalUrl}/api/v3/developer/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: email, password }),
  });
  if (res.status !== 204) throw new Error(`login answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A key-auth strategy, a published API with registration through it, a developer-owned application. */
export async function seedFlow(c: Client, { autoApprove = false } = {}) {
  const strategy = (await c.call('POST', '/v2/application-auth-strategies', { name: 'key-auth', display_name: 'Key', strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey', 'x-key'] } } })).body;
  const api = (await c.call('POST', '/v3/apis', { name: 'billing', version: 'v1', description: 'Invoices' })).body;
  await c.call('PUT', `/v3/apis/${api.id}/publications/${c.emu.portalId}`, { auth_strategy_ids: [strategy.id], auto_approve_registrations: autoApprove, visibility: 'public' });
  const developer = (await c.call('GET', `${c.portal}/developers?filter[email]=${DEV.email}`)).body.data[0];
  const app = (
    await c.call('POST', `${c.portal}/applications`, {
      name: 'Mobile',
      auth_strategy_id: strategy.id,
      owner: { type: 'developer', id: developer.id },
      labels: { 'portalctl-reference-id': 'mobile' },
    })
  ).body;
  return { strategy, api, developer, app };
}
