import { describe, expect, it } from 'vitest';
import { emulator, TOKEN } from './harness.js';

const UUID = /^[0-9a-f-]{36}$/;

describe('emulator: auth, errors, paging, portals', () => {
  it('refuses admin routes without the bearer token or with another one (401 problem+json)', async () => {
    const { emu, call } = await emulator();
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }] as Record<string, string>[]) {
      const res = await fetch(`${emu.adminUrl}/v3/portals`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as any;
      expect(body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Unauthorized' });
      expect(body.instance).toMatch(/^kong:trace:\d+$/);
    }
    expect((await call('GET', '/v3/portals')).status).toBe(200);
  });

  it('holds one fresh portal, default, with authentication on and auto-approve off', async () => {
    const { emu, call } = await emulator();
    const list = await call('GET', '/v3/portals');
    expect(list.body.meta.page).toEqual({ number: 1, size: 10, total: 1 });
    expect(list.body.data[0]).toMatchObject({ id: emu.portalId, name: 'default', authentication_enabled: true, auto_approve_applications: false, default_application_auth_strategy_id: null });
    expect((await call('GET', `/v3/portals/${emu.portalId}`)).body.name).toBe('default');
    expect((await call('GET', '/v3/portals?filter[name][eq]=default')).body.data).toHaveLength(1);
    expect((await call('GET', '/v3/portals?filter[name][eq]=other')).body.data).toHaveLength(0);
    expect((await call('GET', '/v3/portals/00000000-0000-0000-0000-000000000000')).body).toMatchObject({ status: 404, title: 'Not Found', detail: 'Not Found' });
  });

  it('pages lists: default size 10, page[number] from 1, total counts items, bad sizes are 400', async () => {
    const { call } = await emulator();
    for (let i = 0; i < 23; i++) {
      expect((await call('POST', '/v2/application-auth-strategies', { name: `s${i}`, display_name: `s${i}`, strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey'] } } })).status).toBe(201);
    }
    const first = await call('GET', '/v2/application-auth-strategies');
    expect(first.body.data).toHaveLength(10);
    expect(first.body.meta.page).toEqual({ number: 1, size: 10, total: 23 });
    const third = await call('GET', '/v2/application-auth-strategies?page[size]=10&page[number]=3');
    expect(third.body.data.map((s: { name: string }) => s.name)).toEqual(['s20', 's21', 's22']);
    expect((await call('GET', '/v2/application-auth-strategies?page[size]=100')).body.data).toHaveLength(23);
    const big = await call('GET', '/v2/application-auth-strategies?page[size]=101');
    expect(big.status).toBe(400);
    expect(big.body.invalid_parameters[0]).toMatchObject({ field: 'page[size]', rule: 'max', maximum: 100, source: 'query' });
    const nan = await call('GET', '/v2/application-auth-strategies?page[size]=ten');
    expect(nan.body).toMatchObject({ status: 400, title: 'Invalid Request', detail: 'Invalid Parameters' });
    expect(nan.body.invalid_parameters).toEqual([{ field: 'page[size]', rule: 'is_number', reason: '"page[size]" must be a number', source: 'query' }]);
  });

  it('answers 400 unknown_property for an undocumented filter, and filters by the documented ones', async () => {
    const { call, portal } = await emulator();
    const bad = await call('GET', `${portal}/applications?filter[my_attribute]=x`);
    expect(bad.status).toBe(400);
    expect(bad.body.invalid_parameters).toEqual([{ field: 'filter[my_attribute]', rule: 'unknown_property', reason: '"filter[my_attribute]" is not allowed', source: 'query' }]);
    expect((await call('GET', `${portal}/applications?filter[name][contains]=x`)).status).toBe(200);
    expect((await call('GET', `${portal}/applications?filter[developer_id][contains]=x`)).status).toBe(400); // uuid filters take eq, oeq, neq
    expect((await call('GET', `/v2/application-auth-strategies?filter[labels.x]=y`)).status).toBe(400); // no label filter there
  });

  it('serves the auth strategy routes with their rules', async () => {
    const { call, portal, emu } = await emulator();
    const created = await call('POST', '/v2/application-auth-strategies', {
      name: 'key-auth',
      display_name: 'Key auth',
      strategy_type: 'key_auth',
      configs: { 'key-auth': { key_names: ['apikey'], ttl: { value: 30, unit: 'days' } } },
      labels: { 'portalctl-namespace': 'payments' },
    });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({ name: 'key-auth', display_name: 'Key auth', strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey'], ttl: { value: 30, unit: 'days' } } }, dcr_provider: null, labels: { 'portalctl-namespace': 'payments' } });
    expect(s.id).toMatch(UUID);
    expect((await call('GET', `/v2/application-auth-strategies/${s.id}`)).body).toEqual(s);

    // The body is checked: required fields, unknown properties, the config for the type.
    const missing = await call('POST', '/v2/application-auth-strategies', { name: 'x', strategy_type: 'key_auth', configs: { 'openid-connect': {} }, extra: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.invalid_parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'display_name', rule: 'required', source: 'body' }),
        expect.objectContaining({ field: 'extra', rule: 'unknown_property' }),
        expect.objectContaining({ field: 'configs.key-auth', rule: 'required' }),
        expect.objectContaining({ field: 'configs.openid-connect', rule: 'unknown_property' }),
      ]),
    );
    const oidc = await call('POST', '/v2/application-auth-strategies', { name: 'o', display_name: 'o', strategy_type: 'openid_connect', configs: { 'openid-connect': { issuer: 'https://idp.example.com' } } });
    expect(oidc.body.invalid_parameters.map((p: { field: string }) => p.field).sort()).toEqual(['configs.openid-connect.auth_methods', 'configs.openid-connect.credential_claim', 'configs.openid-connect.scopes']);

    // PATCH: no strategy_type; ttl null removes the TTL; labels merge and null deletes.
    expect((await call('PATCH', `/v2/application-auth-strategies/${s.id}`, { strategy_type: 'openid_connect' })).body.invalid_parameters[0]).toMatchObject({ field: 'strategy_type', rule: 'unknown_property' });
    const patched = await call('PATCH', `/v2/application-auth-strategies/${s.id}`, { display_name: 'Keys', configs: { 'key-auth': { ttl: null } }, labels: { 'portalctl-namespace': null, team: 'a' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ display_name: 'Keys', configs: { 'key-auth': { key_names: ['apikey'] } }, labels: { team: 'a' } });
    expect(patched.body.configs['key-auth'].ttl).toBeUndefined();
    expect((await call('PATCH', `/v2/application-auth-strategies/${s.id}`, { labels: { kong: 'x' } })).body.invalid_parameters[0]).toMatchObject({ field: 'labels.kong', rule: 'is_label' });

    // DELETE: 409 while a publication or an application uses it; 204 then 404.
    const api = (await call('POST', '/v3/apis', { name: 'billing', version: 'v1' })).body;
    await call('PUT', `/v3/apis/${api.id}/publications/${emu.portalId}`, { auth_strategy_ids: [s.id] });
    const inUse = await call('DELETE', `/v2/application-auth-strategies/${s.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ status: 409, title: 'Conflict' });
    await call('DELETE', `/v3/apis/${api.id}/publications/${emu.portalId}`);
    expect((await call('DELETE', `/v2/application-auth-strategies/${s.id}`)).status).toBe(204);
    expect((await call('GET', `/v2/application-auth-strategies/${s.id}`)).status).toBe(404);
    expect((await call('DELETE', `/v2/application-auth-strategies/${s.id}`)).status).toBe(404);
    void portal;
  });
});
