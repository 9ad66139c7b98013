import { describe, expect, it } from 'vitest';
import { DEV, emulator, login, seedFlow } from './harness.js';

describe('emulator: APIs, publications, applications, registrations', () => {
  it('serves APIs (a product version each) and their publications', async () => {
    const { call, emu, portal } = await emulator();
    const noType = await fetch(`${emu.adminUrl}/v3/apis`, { method: 'POST', headers: { authorization: 'Bearer kpat_test_token' }, body: '{}' });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as any).detail).toBe('This API only supports requests with `Content-Type: application/json`');

    const api = await call('POST', '/v3/apis', { name: 'billing', version: 'v1', description: 'Invoices', labels: { 'portalctl-namespace': 'payments' } });
    expect(api.status).toBe(201);
    expect(api.body).toMatchObject({ name: 'billing', version: 'v1', description: 'Invoices', slug: 'billing-v1', portals: [], labels: { 'portalctl-namespace': 'payments' }, api_spec_ids: [] });
    expect((await call('POST', '/v3/apis', { name: 'billing', version: 'v1' })).status).toBe(409);
    expect((await call('POST', '/v3/apis', { name: 'other', version: 'x', slug: 'billing-v1' })).status).toBe(409);
    expect((await call('POST', '/v3/apis', { name: 'billing', id: 'x' })).body.invalid_parameters.map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`).sort()).toEqual([
      'id:unknown_property',
      'version:required',
    ]);
    const v2 = (await call('POST', '/v3/apis', { name: 'billing', version: 'v2', labels: { env: 'dev' } })).body;
    expect((await call('GET', '/v3/apis?filter[labels.env]=dev')).body.data.map((a: { id: string }) => a.id)).toEqual([v2.id]);
    expect((await call('GET', '/v3/apis?filter[labels.portalctl-namespace][neq]=kong')).body.data).toHaveLength(2);

    const patched = await call('PATCH', `/v3/apis/${api.body.id}`, { labels: { env: 'prod', 'portalctl-namespace': null } });
    expect(patched.body.labels).toEqual({ env: 'prod' });

    // Publications: 404 until published; PUT is an upsert answering 200; the portal default fills an omitted auth_strategy_ids.
    const pub = `/v3/apis/${api.body.id}/publications/${emu.portalId}`;
    expect((await call('GET', pub)).status).toBe(404);
    const s = (await call('POST', '/v2/application-auth-strategies', { name: 'k', display_name: 'k', strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey'] } } })).body;
    expect((await call('PUT', pub, { auth_strategy_ids: [s.id, s.id] })).body.invalid_parameters[0]).toMatchObject({ field: 'auth_strategy_ids', rule: 'max_items', maximum: 1 });
    expect((await call('PUT', pub, { auth_strategy_ids: ['00000000-0000-4000-8000-000000000000'] })).body.invalid_parameters[0]).toMatchObject({ rule: 'missing_reference' });
    const put = await call('PUT', pub, { auth_strategy_ids: [s.id], auto_approve_registrations: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ auth_strategy_ids: [s.id], auto_approve_registrations: true, visibility: 'private' });
    expect((await call('GET', pub)).body).toMatchObject({ auth_strategy_ids: [s.id], visibility: 'private' });
    expect((await call('PUT', pub, {})).body.auth_strategy_ids).toBeNull(); // no portal default
    const list = await call('GET', `${portal}/api-publications`);
    expect(list.body.data).toEqual([expect.objectContaining({ api_id: api.body.id, portal_ids: [emu.portalId], entity_type: 'api', auth_strategy_ids: null })]);
    expect((await call('GET', `/v3/apis/${api.body.id}`)).body.portals).toEqual([expect.objectContaining({ id: emu.portalId, name: 'default' })]);
    expect((await call('DELETE', pub)).status).toBe(204);
    expect((await call('DELETE', pub)).status).toBe(404);

    expect((await call('DELETE', `/v3/apis/${api.body.id}`)).status).toBe(204);
    expect((await call('GET', `/v3/apis/${api.body.id}`)).status).toBe(404);
  });

  it('creates applications with the reference label and an owner by id; registrations follow auto-approve', async () => {
    const c = await emulator();
    const { call, portal, emu } = c;
    const { strategy, api, developer, app } = await seedFlow(c);
    expect(app).toMatchObject({
      name: 'Mobile',
      description: null,
      auth_strategy: { id: strategy.id, name: 'key-auth', credential_type: 'key_auth', key_names: ['apikey', 'x-key'] },
      portal: { id: emu.portalId },
      registration_count: 0,
      labels: { 'portalctl-reference-id': 'mobile' },
      owner: { type: 'developer', id: developer.id },
    });
    expect((await call('POST', `${portal}/applications`, { name: 'x', auth_strategy_id: strategy.id, owner: { type: 'developer', id: '00000000-0000-4000-8000-000000000000' } })).body.invalid_parameters[0]).toMatchObject({
      field: 'owner.id',
      rule: 'missing_reference',
    });
    expect((await call('POST', `${portal}/applications`, { name: 'x', auth_strategy_id: strategy.id })).body.invalid_parameters[0]).toMatchObject({ field: 'owner', rule: 'required' });
    const team = (await call('POST', `${portal}/teams`, { name: 'ops' })).body;
    expect((await call('POST', `${portal}/applications`, { name: 'x', auth_strategy_id: strategy.id, owner: { type: 'team', id: team.id } })).status).toBe(400);
    expect((await call('GET', `${portal}/applications?filter[developer_id]=${developer.id}`)).body.data).toHaveLength(1);
    expect((await call('PATCH', `${portal}/applications/${app.id}`, { name: 'renamed' })).body.invalid_parameters[0]).toMatchObject({ field: 'name', rule: 'unknown_property' });

    // Registration: pending (publication and portal do not auto-approve), 409 on a second, PATCH to any status.
    const regs = `${portal}/applications/${app.id}/registrations`;
    const reg = await call('POST', regs, { api_id: api.id });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ status: 'pending', api: { id: api.id, name: 'billing', version: 'v1', entity_type: 'api' }, application: { id: app.id, name: 'Mobile' } });
    const again = await call('POST', regs, { api_id: api.id });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('API is already registered to the application');
    expect((await call('POST', regs, { api_id: api.id, status: 'revoked' })).body.invalid_parameters[0]).toMatchObject({ field: 'status', rule: 'enum', choices: ['approved', 'pending'] });
    expect((await call('PATCH', `${regs}/${reg.body.id}`, { status: 'revoked' })).body.status).toBe('revoked');
    expect((await call('GET', `${portal}/application-registrations?filter[status]=revoked`)).body.data).toHaveLength(1);
    expect((await call('GET', `${regs}?filter[status]=approved`)).body.data).toHaveLength(0);
    expect((await call('DELETE', `${regs}/${reg.body.id}`)).status).toBe(204);

    // Auto-approve from the publication, and from the portal (effective = publication ∨ portal).
    await call('PUT', `/v3/apis/${api.id}/publications/${emu.portalId}`, { auth_strategy_ids: [strategy.id], auto_approve_registrations: true });
    const approved = await call('POST', regs, { api_id: api.id });
    expect(approved.body.status).toBe('approved');
    await call('DELETE', `${regs}/${approved.body.id}`);
    await call('PUT', `/v3/apis/${api.id}/publications/${emu.portalId}`, { auth_strategy_ids: [strategy.id], auto_approve_registrations: false });
    emu.state.engine.update('portals', emu.portalId, { auto_approve_applications: true });
    expect((await call('POST', regs, { api_id: api.id })).body.status).toBe('approved');

    // An unpublished API takes no registration; deleting the application takes its registrations.
    const other = (await call('POST', '/v3/apis', { name: 'billing', version: 'v9' })).body;
    expect((await call('POST', regs, { api_id: other.id })).status).toBe(400);
    expect((await call('DELETE', `${portal}/applications/${app.id}`)).status).toBe(204);
    expect((await call('GET', `${portal}/application-registrations`)).body.data).toHaveLength(0);
  });

  it('logs developers in and lets them manage credentials of their applications only', async () => {
    const c = await emulator();
    const { call, portal, emu } = c;
    const { app } = await seedFlow(c);
    const bad = await fetch(`${emu.portalUrl}/api/v3/developer/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: DEV.email, password: 'wrong' }) });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).title).toBe('Invalid Credentials');
    await call('POST', `${portal}/developers`, { email: 'new@example.com', full_name: 'New' });
    const seeded = emu.state.developerByEmail(DEV.email)!;
    emu.state.engine.update('developers', seeded, { status: 'pending' });
    const pending = await fetch(`${emu.portalUrl}/api/v3/developer/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: DEV.email, password: DEV.password }) });
    expect(pending.status).toBe(401);
    expect(((await pending.json()) as any).title).toBe('Approval Required');
    emu.state.engine.update('developers', seeded, { status: 'approved' });
    expect((await fetch(`${emu.portalUrl}/api/v3/developer/me`)).status).toBe(401);

    const cookie = await login(emu);
    const client = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(emu.portalUrl + path, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    expect((await client('GET', '/api/v3/developer/me')).body).toMatchObject({ email: DEV.email });
    expect((await client('GET', '/api/v3/developer/teams')).body).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });

    const created = await client('POST', `/api/v3/applications/${app.id}/credentials`, { display_name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'api_key', display_name: 'ci', status: 'active', expires_at: null });
    expect(created.body.credential).toMatch(/^[\w-]{20,}$/);
    const listed = await call('GET', `${portal}/applications/${app.id}/credentials`);
    expect(listed.body.data).toEqual([{ type: 'api_key', id: created.body.id, display_name: 'ci', status: 'active', expires_at: null, created_at: created.body.created_at }]);
    expect(JSON.stringify(emu.state.data)).not.toContain(created.body.credential);

    for (let i = 1; i < 20; i++) expect((await client('POST', `/api/v3/applications/${app.id}/credentials`, { display_name: `k${i}` })).status).toBe(201);
    const over = await client('POST', `/api/v3/applications/${app.id}/credentials`, { display_name: 'k20' });
    expect(over.status).toBe(403);
    expect(over.body.detail).toBe('Maximum number of Credentials exceeded. Max Allowed: 20');

    expect((await client('PATCH', `/api/v3/applications/${app.id}`, { name: 'Mobile 2', description: 'new' })).body).toMatchObject({ name: 'Mobile 2', description: 'new' });
    expect((await client('DELETE', `/api/v3/applications/${app.id}/credentials/${created.body.id}`)).status).toBe(204);
    expect((await client('DELETE', `/api/v3/applications/${app.id}/credentials/${created.body.id}`)).status).toBe(404);

    // Another developer's application: 403.
    const otherDev = (await call('GET', `${portal}/developers?filter[email]=new@example.com`)).body.data[0];
    const theirs = (await call('POST', `${portal}/applications`, { name: 'theirs', auth_strategy_id: app.auth_strategy.id, owner: { type: 'developer', id: otherDev.id } })).body;
    expect((await client('POST', `/api/v3/applications/${theirs.id}/credentials`, {})).status).toBe(403);
  });
});
