import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/backends/local/local-backend.js';
import { startEmulator } from '../../src/emulator/index.js';
import { DEV, emulator, login, seedFlow, TOKEN } from './harness.js';

describe('emulator: gateway, faults, state', () => {
  it('gateway: 200 for an approved key (header or query), 401 without or with an unknown key, 403 while pending', async () => {
    const c = await emulator();
    const { call, portal, emu } = c;
    const { api, app } = await seedFlow(c);
    const reg = (await call('POST', `${portal}/applications/${app.id}/registrations`, { api_id: api.id })).body;
    const cookie = await login(emu);
    const key = (await (await fetch(`${emu.portalUrl}/api/v3/applications/${app.id}/credentials`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"display_name":"ci"}' })).json() as any).credential;
    const gw = (path: string, headers: Record<string, string> = {}) => fetch(`${emu.gatewayUrl}${path}`, { headers }).then((r) => r.status);

    expect(await gw('/billing/v1/invoices')).toBe(401);
    expect(await gw('/billing/v1/invoices', { apikey: 'not-a-key' })).toBe(401);
    expect(await gw('/billing/v1/invoices', { apikey: key })).toBe(403); // pending
    await call('PATCH', `${portal}/applications/${app.id}/registrations/${reg.id}`, { status: 'approved' });
    expect(await gw('/billing/v1/invoices', { apikey: key })).toBe(200);
    expect(await gw('/billing/v1/invoices', { 'x-key': key })).toBe(200); // the strategy's second key name
    expect(await gw(`/billing/v1/invoices?apikey=${encodeURIComponent(key)}`)).toBe(200);
    expect(await gw('/billing/v1/invoices', { other: key })).toBe(401);
    expect(await gw('/billing/v2/invoices', { apikey: key })).toBe(404);
    const v2 = (await call('POST', '/v3/apis', { name: 'billing', version: 'v2' })).body;
    expect(await gw('/billing/v2/x', { apikey: key })).toBe(403); // known key, no registration
    await call('PUT', `/v3/apis/${v2.id}/publications/${emu.portalId}`, { auth_strategy_ids: [app.auth_strategy.id] });
    await call('POST', `${portal}/applications/${app.id}/registrations`, { api_id: v2.id });
    expect(await gw('/billing/v2/x', { apikey: key })).toBe(403); // pending on v2
  });

  it('injects a seeded mix of 429 (Retry-After), 500, 503 and reset connections; latency delays', async () => {
    const outcomes = async (seed: number) => {
      const emu = await startEmulator({ port: 0, token: TOKEN, failRate: 0.5, seed, retryAfterSeconds: 0 });
      try {
        const seen: string[] = [];
        for (let i = 0; i < 40; i++) {
          try {
            const res = await fetch(`${emu.adminUrl}/v3/portals`, { headers: { authorization: `Bearer ${TOKEN}` } });
            seen.push(res.status === 429 ? `429:${res.headers.get('retry-after')}` : String(res.status));
            await res.arrayBuffer();
          } catch {
            seen.push('reset');
          }
        }
        return seen;
      } finally {
        await emu.stop();
      }
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200', '429:0', '500', '503', 'reset']));
    expect(await outcomes(8)).not.toEqual(first);

    const slow = await startEmulator({ port: 0, token: TOKEN, latencyMs: 120 });
    try {
      const started = Date.now();
      await fetch(`${slow.adminUrl}/v3/portals`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      await slow.stop();
    }
  });

  it('keeps its state in the local backend format: the local backend reads what it wrote, and it serves what the local backend wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-'));
    const file = join(dir, 'state.json');
    const c = await emulator({ state: file });
    const { strategy, api, app } = await seedFlow(c, { autoApprove: true });
    await c.call('POST', `${c.portal}/applications/${app.id}/registrations`, { api_id: api.id });
    await c.emu.stop();

    const live = await new LocalBackend(file).read();
    const addresses = [...live.all()].map((r) => r.address).sort();
    expect(addresses).toEqual(['application.mobile', 'auth_strategy.key-auth', 'developer.dev@example.com', 'portal_settings.portal', 'product.billing', 'product_version.billing/v1', 'registration.mobile/billing/v1']);

    // The same file again: one portal still (not a second), the developer's password kept, the records served.
    const again = await startEmulator({ port: 0, token: TOKEN, state: file });
    try {
      expect(again.portalId).toBe(c.emu.portalId);
      const res = await fetch(`${again.adminUrl}/v2/application-auth-strategies/${strategy.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      await login(again, DEV.email, DEV.password);
    } finally {
      await again.stop();
    }
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(saved.portals)).toHaveLength(1);
    expect(JSON.stringify(saved)).not.toContain(DEV.password);

    // A state the local backend wrote (no portal table): a fresh `default` portal is added, the records are served.
    const [S1, P1, V1] = ['5a1e0000-0000-4000-8000-000000000001', '5a1e0000-0000-4000-8000-000000000002', '5a1e0000-0000-4000-8000-000000000003'];
    const local = join(dir, 'local.json');
    await writeFile(
      local,
      JSON.stringify({
        format_version: 1,
        auth_strategies: { [S1]: { name: 'k', display_name: 'k', type: 'key_auth', config: { key_names: ['apikey'] }, labels: {}, protected: false } },
        products: { [P1]: { name: 'billing', description: 'Invoices', labels: { 'portalctl-namespace': 'default' }, protected: false } },
        product_versions: {
          [V1]: { product_id: P1, name: 'v1', description: '', publish_status: 'published', visibility: 'public', deprecated: false, registration: { enabled: true, auth_strategy_id: S1, auto_approve: true }, protected: false },
        },
        applications: {},
        registrations: {},
        credentials: {},
      }),
    );
    const fromLocal = await startEmulator({ port: 0, token: TOKEN, state: local });
    try {
      const apis: any = await (await fetch(`${fromLocal.adminUrl}/v3/apis`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(apis.data).toEqual([expect.objectContaining({ id: V1, name: 'billing', version: 'v1', description: 'Invoices', labels: { 'portalctl-namespace': 'default' } })]);
      const pubs: any = await (await fetch(`${fromLocal.adminUrl}/v3/portals/${fromLocal.portalId}/api-publications`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(pubs.data[0]).toMatchObject({ api_id: V1, auth_strategy_ids: [S1], auto_approve_registrations: true, visibility: 'public' });
    } finally {
      await fromLocal.stop();
    }
    const withPortal = JSON.parse(await readFile(local, 'utf8'));
    expect(Object.values(withPortal.portals)).toEqual([expect.objectContaining({ name: 'default', authentication_enabled: true, auto_approve_applications: false })]);
    await new LocalBackend(local).read(); // still readable by the local backend
  });

  it('refuses a state whose lock another process holds, as the local backend does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-'));
    const file = join(dir, 'state.json');
    const first = await startEmulator({ port: 0, token: TOKEN, state: file });
    try {
      await expect(startEmulator({ port: 0, token: TOKEN, state: file })).rejects.toThrow(/lock|held|another/i);
    } finally {
      await first.stop();
    }
  });
});
