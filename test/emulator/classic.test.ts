import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeProblems } from '../../src/backends/local/store-check.js';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { DEV, emulator, TOKEN, type Client } from './harness.js';

/*
 * The emulator's classic flavour (issue #10 item 2): Konnect's Dev Portal v2 subset (MAPPING 6.2)
 * over HTTP, with the rules of 6.3 (#1–10, #21–26). Every exchange is checked against the v2 specs
 * by the suite's contract check (test/contract/setup.ts).
 */
const OTHER = { email: 'other@example.com', password: 'pw-456' };

const classic = () => emulator({ flavour: 'classic', developers: [DEV, OTHER] });

/** Logs a developer in through the v2 client API: the cookie header. */
async function login(emu: RunningEmulator, who = DEV): Promise<string> {
  const res = await fetch(`${emu.portalUrl}/api/v2/developer/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: who.email, password: who.password }),
  });
  if (res.status !== 204) throw new Error(`login answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A client of the v2 Portal API with a developer's cookie. */
function portalClient(emu: RunningEmulator, cookie: string | undefined) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(emu.portalUrl + path, {
      method,
      headers: { ...(cookie !== undefined && { cookie }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
}

const KEY_AUTH = { name: 'key-auth', display_name: 'Key', strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey', 'x-key'] } } };

/** A key-auth strategy, a product on the portal, its version with a portal product version. */
async function seedCatalog(c: Client, { autoApprove = true, version = 'v1', strategy = undefined as { id: string } | undefined } = {}) {
  const { call, emu } = c;
  const s = strategy ?? (await call('POST', '/v2/application-auth-strategies', KEY_AUTH)).body;
  const existing = (await call('GET', '/v2/api-products?filter[name]=billing')).body.data[0];
  const product = existing ?? (await call('POST', '/v2/api-products', { name: 'billing', description: 'Invoices', portal_ids: [emu.portalId], labels: { 'portalctl-namespace': 'payments' } })).body;
  const v = (await call('POST', `/v2/api-products/${product.id}/product-versions`, { name: version, labels: { 'portalctl-namespace': 'payments' } })).body;
  const ppv = await call('POST', `/v2/portals/${emu.portalId}/product-versions`, {
    product_version_id: v.id,
    publish_status: 'published',
    auth_strategy_ids: [s.id],
    application_registration_enabled: true,
    auto_approve_registration: autoApprove,
    deprecated: false,
  });
  return { strategy: s, product, version: v, ppv: ppv.body, ppvStatus: ppv.status };
}

describe('emulator --flavour classic: the seed flow', () => {
  it('strategy → product → version → portal product version → login → application → approved registration → key → gateway 200', async () => {
    const c = await classic();
    const { call, emu } = c;
    expect(emu.flavour).toBe('classic');
    const portals = await call('GET', '/v2/portals');
    expect(portals.body).toMatchObject({ data: [{ id: emu.portalId, name: 'default', is_public: false, custom_domain: null }], meta: { page: { number: 1, size: 10, total: 1 } } });
    expect((await call('GET', `/v2/portals/${emu.portalId}`)).body).toMatchObject({ id: emu.portalId, auto_approve_applications: false });

    const { strategy, product, version, ppv, ppvStatus } = await seedCatalog(c);
    expect(product).toMatchObject({ name: 'billing', description: 'Invoices', portal_ids: [emu.portalId], portals: [{ portal_id: emu.portalId, portal_name: 'default' }], version_count: 0 });
    expect(version).toMatchObject({ name: 'v1', gateway_service: null, publish_status: 'unpublished', deprecated: false, portals: [], labels: { 'portalctl-namespace': 'payments' } });
    expect(ppvStatus).toBe(201);
    expect(ppv).toMatchObject({
      product_version_id: version.id,
      publish_status: 'published',
      application_registration_enabled: true,
      auto_approve_registration: true,
      deprecated: false,
      auth_strategies: [{ id: strategy.id, name: 'key-auth', credential_type: 'key_auth', key_names: ['apikey', 'x-key'] }],
    });
    // The version now shows its portal settings; the path id of a portal product version is the version's.
    expect((await call('GET', `/v2/api-products/${product.id}/product-versions/${version.id}`)).body.portals).toEqual([
      expect.objectContaining({ portal_id: emu.portalId, portal_product_version_id: ppv.id, publish_status: 'published', auth_strategies: [{ id: strategy.id, name: 'key-auth' }] }),
    ]);
    expect((await call('GET', `/v2/portals/${emu.portalId}/product-versions/${version.id}`)).body.id).toBe(ppv.id);
    expect((await call('GET', `/v2/api-products/${product.id}`)).body.version_count).toBe(1);

    const cookie = await login(emu);
    const client = portalClient(emu, cookie);
    const me = await client('GET', '/api/v2/developer/me');
    expect(me.body).toMatchObject({ email: DEV.email });
    const app = await client('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile', auth_strategy_id: strategy.id, description: 'The app' });
    expect(app.status).toBe(201);
    expect(app.body).toMatchObject({ name: 'Mobile', reference_id: 'mobile', description: 'The app', auth_strategy: { id: strategy.id, credential_type: 'key_auth' } });

    expect((await client('GET', `/api/v2/applications/${app.body.id}`)).body).toMatchObject({ id: app.body.id, reference_id: 'mobile' });
    const reg = await client('POST', `/api/v2/applications/${app.body.id}/registrations`, { product_version_id: version.id });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ status: 'approved', product_id: product.id, product_name: 'billing', product_version_id: version.id, product_version_name: 'v1', application_id: app.body.id });

    const credential = await client('POST', `/api/v2/applications/${app.body.id}/credentials`, { display_name: 'ci' });
    expect(credential.status).toBe(201);
    expect(credential.body).toMatchObject({ type: 'api_key', display_name: 'ci', status: 'active', expires_at: null });
    const key = credential.body.credential as string;
    expect(key.length).toBeGreaterThan(20);
    const listed = await client('GET', `/api/v2/applications/${app.body.id}/credentials`);
    expect(listed.body.data).toEqual([expect.not.objectContaining({ credential: expect.anything() })]);
    expect(JSON.stringify(emu.state.data)).not.toContain(key); // only its hash is kept

    const gw = (path: string, headers: Record<string, string> = {}) => fetch(`${emu.gatewayUrl}${path}`, { headers }).then((r) => r.status);
    expect(await gw('/billing/v1/invoices', { apikey: key })).toBe(200);
    expect(await gw('/billing/v1/invoices', { 'x-key': key })).toBe(200);
    expect(await gw('/billing/v1/invoices')).toBe(401);

    // The admin API sees the application (with its developer and reference_id) and the registration.
    const apps = await call('GET', `/v2/portals/${emu.portalId}/applications`);
    expect(apps.body.data).toEqual([
      expect.objectContaining({ id: app.body.id, reference_id: 'mobile', registration_count: 1, developer: { id: me.body.id, name: 'dev', email: DEV.email }, portal: { id: emu.portalId }, labels: {} }),
    ]);
    expect((await call('GET', `/v2/portals/${emu.portalId}/applications?filter[developer_email]=${DEV.email}`)).body.data).toHaveLength(1);
    const regs = await call('GET', `/v2/portals/${emu.portalId}/application-registrations`);
    expect(regs.body.data).toEqual([
      expect.objectContaining({ status: 'approved', product: { id: product.id, name: 'billing' }, product_version: { id: version.id, name: 'v1' }, application: { id: app.body.id, name: 'Mobile' }, developer: { id: me.body.id, name: 'dev' } }),
    ]);
  });

  it('without auto-approve a registration is pending (gateway 403) until the admin approves it', async () => {
    const c = await classic();
    const { call, emu } = c;
    const { strategy, version } = await seedCatalog(c, { autoApprove: false });
    const client = portalClient(emu, await login(emu));
    const app = (await client('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile', auth_strategy_id: strategy.id })).body;
    const reg = (await client('POST', `/api/v2/applications/${app.id}/registrations`, { product_version_id: version.id })).body;
    expect(reg.status).toBe('pending');
    const key = (await client('POST', `/api/v2/applications/${app.id}/credentials`, {})).body.credential;
    const gw = () => fetch(`${emu.gatewayUrl}/billing/v1/x`, { headers: { apikey: key } }).then((r) => r.status);
    expect(await gw()).toBe(403);

    const path = `/v2/portals/${emu.portalId}/applications/${app.id}/registrations/${reg.id}`;
    expect((await call('GET', `/v2/portals/${emu.portalId}/applications/${app.id}/registrations?filter[status]=pending`)).body.data).toHaveLength(1);
    const approved = await call('PATCH', path, { status: 'approved' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(await gw()).toBe(200);
    expect((await call('PATCH', path, { status: 'revoked' })).body.status).toBe('revoked');
    expect(await gw()).toBe(403);
    expect((await call('PATCH', path, { status: 'nonsense' })).body.invalid_parameters[0]).toMatchObject({ field: 'status', rule: 'enum' });
    expect((await call('GET', path)).body.status).toBe('revoked');
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', path)).status).toBe(404);
  });
});

describe('emulator --flavour classic: rules', () => {
  it('products and versions: 415 without JSON, 400 for unknown fields, gateway services and the deprecated version fields, 404s, label queries, cascades', async () => {
    const c = await classic();
    const { call, emu } = c;
    const noJson = await fetch(`${emu.adminUrl}/v2/api-products`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"name":"x"}' });
    expect(noJson.status).toBe(415);
    const bad = await call('POST', '/v2/api-products', { name: 'x', id: 'y', portal_ids: ['00000000-0000-4000-8000-000000000000'] });
    expect(bad.body.invalid_parameters).toEqual([expect.objectContaining({ field: 'id', rule: 'unknown_property', source: 'body' })]);
    expect((await call('POST', '/v2/api-products', { name: 'x', portal_ids: ['00000000-0000-4000-8000-000000000000'] })).body.invalid_parameters[0]).toMatchObject({ rule: 'missing_reference' });
    expect((await call('POST', '/v2/api-products', {})).body.invalid_parameters[0]).toMatchObject({ field: 'name', rule: 'required' });

    const product = (await call('POST', '/v2/api-products', { name: 'billing', labels: { env: 'prod', team: 'pay' } })).body;
    expect(product).toMatchObject({ description: null, portal_ids: [], portals: [], labels: { env: 'prod', team: 'pay' }, public_labels: {} });
    expect((await call('POST', '/v2/api-products', { name: 'billing' })).status).toBe(409); // unique names (DECISION)
    await call('POST', '/v2/api-products', { name: 'other' });
    expect((await call('GET', '/v2/api-products?labels=env:prod')).body.data.map((p: { name: string }) => p.name)).toEqual(['billing']);
    expect((await call('GET', '/v2/api-products?labels=team')).body.data).toHaveLength(1);
    expect((await call('GET', '/v2/api-products?labels=env:dev')).body.data).toHaveLength(0);
    const patched = await call('PATCH', `/v2/api-products/${product.id}`, { description: 'Invoices', labels: { team: null, owner: 'me' }, portal_ids: [emu.portalId] });
    expect(patched.body).toMatchObject({ description: 'Invoices', labels: { env: 'prod', owner: 'me' }, portal_ids: [emu.portalId] });

    const versions = `/v2/api-products/${product.id}/product-versions`;
    expect((await call('POST', versions, { name: 'v1', gateway_service: { id: '00000000-0000-4000-8000-000000000001', control_plane_id: '00000000-0000-4000-8000-000000000002' } })).body.invalid_parameters[0]).toMatchObject({ field: 'gateway_service', rule: 'missing_reference' });
    expect((await call('POST', versions, { name: 'v1', publish_status: 'published' })).body.invalid_parameters[0]).toMatchObject({ field: 'publish_status', rule: 'invalid' });
    const v1 = (await call('POST', versions, { name: 'v1' })).body;
    expect((await call('POST', versions, { name: 'v1' })).status).toBe(409);
    expect((await call('PATCH', `${versions}/${v1.id}`, { name: 'v1.0', labels: { a: 'b' } })).body).toMatchObject({ name: 'v1.0', labels: { a: 'b' } });
    expect((await call('GET', `${versions}?filter[name]=v1.0`)).body.data).toHaveLength(1);
    expect((await call('GET', `/v2/api-products/00000000-0000-4000-8000-000000000000/product-versions/${v1.id}`)).status).toBe(404);
    expect((await call('GET', `/v2/api-products/${product.id}/product-versions/00000000-0000-4000-8000-000000000000`)).status).toBe(404);

    // Deleting a product deletes its versions (the engine's cascade).
    expect((await call('DELETE', `/v2/api-products/${product.id}`)).status).toBe(204);
    expect((await call('GET', `/v2/api-products/${product.id}`)).status).toBe(404);
    expect(emu.state.engine.has('product_versions', v1.id)).toBe(false);
  });

  it('portal product versions: all six fields required, one per version (409), unknown strategy 400, PATCH, DELETE; a strategy in use cannot be deleted', async () => {
    const c = await classic();
    const { call, emu } = c;
    const { strategy, product, version } = await seedCatalog(c);
    const ppvs = `/v2/portals/${emu.portalId}/product-versions`;
    const again = await call('POST', ppvs, { product_version_id: version.id, publish_status: 'published', auth_strategy_ids: [], application_registration_enabled: false, auto_approve_registration: false, deprecated: false });
    expect(again.status).toBe(409);
    expect((await call('POST', ppvs, { product_version_id: version.id })).body.invalid_parameters.map((p: { field: string }) => p.field).sort()).toEqual([
      'application_registration_enabled',
      'auth_strategy_ids',
      'auto_approve_registration',
      'deprecated',
      'publish_status',
    ]);
    const v2 = (await call('POST', `/v2/api-products/${product.id}/product-versions`, { name: 'v2' })).body;
    expect((await call('GET', `${ppvs}/${v2.id}`)).status).toBe(404);
    const unknown = { product_version_id: v2.id, publish_status: 'published', auth_strategy_ids: ['00000000-0000-4000-8000-000000000000'], application_registration_enabled: true, auto_approve_registration: false, deprecated: false };
    expect((await call('POST', ppvs, unknown)).body.invalid_parameters[0]).toMatchObject({ field: 'auth_strategy_ids[0]', rule: 'missing_reference' });
    expect((await call('POST', ppvs, { ...unknown, auth_strategy_ids: [strategy.id, strategy.id] })).body.invalid_parameters[0]).toMatchObject({ field: 'auth_strategy_ids', rule: 'max_items' });
    expect((await call('POST', ppvs, { ...unknown, product_version_id: '00000000-0000-4000-8000-000000000000', auth_strategy_ids: [] })).body.invalid_parameters[0]).toMatchObject({ rule: 'missing_reference' });
    expect((await call('POST', ppvs, { ...unknown, auth_strategy_ids: [], publish_status: 'unpublished', application_registration_enabled: false })).status).toBe(201);

    expect((await call('GET', `${ppvs}?filter[publish_status]=published`)).body.data.map((p: { product_version_id: string }) => p.product_version_id)).toEqual([version.id]);
    expect((await call('GET', `${ppvs}?filter[application_registration_enabled]=false`)).body.data).toHaveLength(1);
    expect((await call('GET', `${ppvs}?filter[auth_strategy_ids]=${strategy.id}`)).body.data).toHaveLength(1);

    // The strategy is in use by the first portal product version: 409 until that one no longer names it.
    expect((await call('DELETE', `/v2/application-auth-strategies/${strategy.id}`)).status).toBe(409);
    const patched = await call('PATCH', `${ppvs}/${version.id}`, { deprecated: true, auto_approve_registration: false, notify_developers: false });
    expect(patched.body).toMatchObject({ deprecated: true, auto_approve_registration: false, publish_status: 'published', auth_strategies: [{ id: strategy.id }] });
    expect((await call('PATCH', `${ppvs}/${version.id}`, { product_version_id: v2.id })).body.invalid_parameters[0]).toMatchObject({ field: 'product_version_id', rule: 'unknown_property' });
    expect((await call('DELETE', `${ppvs}/${version.id}`)).status).toBe(204);
    expect((await call('GET', `${ppvs}/${version.id}`)).status).toBe(404);
    expect((await call('DELETE', `${ppvs}/${version.id}`)).status).toBe(404);
    expect((await call('GET', `/v2/api-products/${product.id}/product-versions/${version.id}`)).body).toMatchObject({ portals: [], publish_status: 'unpublished' });
    expect((await call('DELETE', `/v2/application-auth-strategies/${strategy.id}`)).status).toBe(204);
  });

  it('client applications: 409 for a reference_id in use or a name the developer has, 400 on a public portal; another developer\'s app is 404', async () => {
    const c = await classic();
    const { call, emu } = c;
    const { strategy, version } = await seedCatalog(c);
    const dev = portalClient(emu, await login(emu));
    const other = portalClient(emu, await login(emu, OTHER));
    const app = (await dev('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile', auth_strategy_id: strategy.id })).body;
    expect((await dev('POST', '/api/v2/applications', { name: 'Other', reference_id: 'mobile', auth_strategy_id: strategy.id })).status).toBe(409);
    expect((await other('POST', '/api/v2/applications', { name: 'Other', reference_id: 'mobile', auth_strategy_id: strategy.id })).status).toBe(409);
    expect((await dev('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile-2', auth_strategy_id: strategy.id })).status).toBe(409);
    const theirs = await other('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'theirs', auth_strategy_id: strategy.id });
    expect(theirs.status).toBe(201); // names are unique per developer only
    expect((await dev('POST', '/api/v2/applications', { name: 'x', labels: {} })).body.invalid_parameters[0]).toMatchObject({ field: 'labels', rule: 'unknown_property' });
    expect((await dev('POST', '/api/v2/applications', { name: 'NoStrategy' })).body.invalid_parameters[0]).toMatchObject({ field: 'auth_strategy_id', rule: 'required' });
    const generated = await dev('POST', '/api/v2/applications', { name: 'Generated', auth_strategy_id: strategy.id });
    expect(generated.body.reference_id).toMatch(/^[0-9a-f-]{36}$/);

    expect((await dev('GET', '/api/v2/applications')).body.meta.page.total).toBe(2);
    expect((await dev('GET', '/api/v2/applications?filter[name][eq]=Mobile')).body.data.map((a: { id: string }) => a.id)).toEqual([app.id]);
    expect((await dev('GET', '/api/v2/applications?filter[name][neq]=Mobile')).body.invalid_parameters[0]).toMatchObject({ field: 'filter[name][neq]', rule: 'unknown_property', source: 'query' });
    expect((await dev('GET', `/api/v2/applications/${theirs.body.id}`)).status).toBe(404);
    expect((await dev('POST', `/api/v2/applications/${theirs.body.id}/registrations`, { product_version_id: version.id })).status).toBe(404);
    expect((await dev('POST', `/api/v2/applications/${theirs.body.id}/credentials`, {})).status).toBe(404);

    // PATCH: name and reference_id stay unique; the admin sees the new values.
    expect((await dev('PATCH', `/api/v2/applications/${app.id}`, { name: 'Generated' })).status).toBe(409);
    expect((await dev('PATCH', `/api/v2/applications/${app.id}`, { reference_id: 'theirs' })).status).toBe(409);
    const renamed = await dev('PATCH', `/api/v2/applications/${app.id}`, { name: 'Mobile 2', reference_id: 'mobile-2', description: 'new' });
    expect(renamed.body).toMatchObject({ name: 'Mobile 2', reference_id: 'mobile-2', description: 'new' });
    expect((await call('GET', `/v2/portals/${emu.portalId}/applications/${app.id}`)).body).toMatchObject({ name: 'Mobile 2', reference_id: 'mobile-2' });

    // A public portal takes no applications (the state is the only way to make one: no route sets it).
    emu.state.engine.update('portals', emu.portalId, { is_public: true });
    const onPublic = await dev('POST', '/api/v2/applications', { name: 'Public', auth_strategy_id: strategy.id });
    expect(onPublic.status).toBe(400);
    expect(onPublic.body.invalid_parameters[0].reason).toBe('Developer accounts and applications cannot be created if the portal is public');
    expect((await call('GET', `/v2/portals/${emu.portalId}`)).body.is_public).toBe(true);

    // Deleting the application (admin) deletes its registrations and credentials.
    await dev('POST', `/api/v2/applications/${app.id}/registrations`, { product_version_id: version.id });
    await dev('POST', `/api/v2/applications/${app.id}/credentials`, {});
    expect((await call('DELETE', `/v2/portals/${emu.portalId}/applications/${app.id}`)).status).toBe(204);
    expect(emu.state.engine.list('registrations')).toHaveLength(0);
    expect(emu.state.engine.list('credentials')).toHaveLength(0);
    expect((await dev('DELETE', `/api/v2/applications/${generated.body.id}`)).status).toBe(204);
  });

  it('client registrations: 400 unless published with registration enabled, 409 for a second', async () => {
    const c = await classic();
    const { call, emu } = c;
    const { strategy, product, version } = await seedCatalog(c);
    const dev = portalClient(emu, await login(emu));
    const app = (await dev('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile', auth_strategy_id: strategy.id })).body;
    const regs = `/api/v2/applications/${app.id}/registrations`;
    const bare = (await call('POST', `/v2/api-products/${product.id}/product-versions`, { name: 'bare' })).body;
    expect((await dev('POST', regs, { product_version_id: bare.id })).body.invalid_parameters[0]).toMatchObject({ field: 'product_version_id', rule: 'invalid' });
    const closed = (await call('POST', `/v2/api-products/${product.id}/product-versions`, { name: 'closed' })).body;
    await call('POST', `/v2/portals/${emu.portalId}/product-versions`, { product_version_id: closed.id, publish_status: 'published', auth_strategy_ids: [strategy.id], application_registration_enabled: false, auto_approve_registration: true, deprecated: false });
    expect((await dev('POST', regs, { product_version_id: closed.id })).status).toBe(400);
    await call('PATCH', `/v2/portals/${emu.portalId}/product-versions/${version.id}`, { publish_status: 'unpublished' });
    expect((await dev('POST', regs, { product_version_id: version.id })).status).toBe(400);
    await call('PATCH', `/v2/portals/${emu.portalId}/product-versions/${version.id}`, { publish_status: 'published' });
    expect((await dev('POST', regs, { product_version_id: version.id })).status).toBe(201);
    expect((await dev('POST', regs, { product_version_id: version.id })).status).toBe(409);
    expect((await dev('POST', regs, { product_version_id: '00000000-0000-4000-8000-000000000000' })).body.invalid_parameters[0]).toMatchObject({ rule: 'missing_reference' });
    expect((await dev('POST', regs, { status: 'approved' })).body.invalid_parameters.map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`).sort()).toEqual([
      'product_version_id:required',
      'status:unknown_property',
    ]);
  });

  it('credentials: the 21st is a 403, a strategy ttl sets expires_at, delete', async () => {
    const c = await classic();
    const { call, emu } = c;
    const strategy = (await call('POST', '/v2/application-auth-strategies', { ...KEY_AUTH, configs: { 'key-auth': { key_names: ['apikey'], ttl: { value: 2, unit: 'weeks' } } } })).body;
    const dev = portalClient(emu, await login(emu));
    const app = (await dev('POST', '/api/v2/applications', { name: 'Mobile', reference_id: 'mobile', auth_strategy_id: strategy.id })).body;
    const path = `/api/v2/applications/${app.id}/credentials`;
    const first = (await dev('POST', path, { display_name: 'k0' })).body;
    const days = (Date.parse(first.expires_at) - Date.parse(first.created_at)) / 86_400_000;
    expect(days).toBe(14);
    for (let i = 1; i < 20; i++) expect((await dev('POST', path, { display_name: `k${i}` })).status).toBe(201);
    const over = await dev('POST', path, { display_name: 'k20' });
    expect(over.status).toBe(403);
    expect(over.body.detail).toBe('Maximum number of Credentials exceeded. Max Allowed: 20');
    const listed = await dev('GET', `${path}?page[size]=100`);
    expect(listed.body.meta.page.total).toBe(20);
    expect(listed.body.data.every((k: Record<string, unknown>) => k.credential === undefined && k.status === 'active')).toBe(true);
    expect((await dev('DELETE', `${path}/${first.id}`)).status).toBe(204);
    expect((await dev('DELETE', `${path}/${first.id}`)).status).toBe(404);
    expect((await dev('POST', path, { display_name: 'k20' })).status).toBe(201);
  });

  it('401 without or with a wrong token, without a cookie, for a wrong password; paging, filters and sort; v3 routes are not served', async () => {
    const c = await classic();
    const { call, emu } = c;
    expect((await call('GET', '/v2/api-products', undefined, { authorization: '' })).status).toBe(401);
    const wrong = await call('GET', '/v2/api-products', undefined, { authorization: 'Bearer wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Unauthorized', instance: expect.stringMatching(/^kong:trace:\d+$/) });
    const anonymous = portalClient(emu, undefined);
    expect((await anonymous('GET', '/api/v2/developer/me')).status).toBe(401);
    expect((await anonymous('GET', '/api/v2/applications')).status).toBe(401);
    expect((await portalClient(emu, 'portalaccesstoken=forged')('POST', '/api/v2/applications', { name: 'x' })).status).toBe(401);
    const badLogin = await anonymous('POST', '/api/v2/developer/authenticate', { username: DEV.email, password: 'wrong' });
    expect(badLogin.body).toMatchObject({ status: 401, title: 'Invalid Credentials', detail: 'You have entered an invalid email or password.' });

    for (let i = 0; i < 12; i++) await call('POST', '/v2/api-products', { name: `p${String(i).padStart(2, '0')}` });
    const first = await call('GET', '/v2/api-products');
    expect(first.body.meta.page).toEqual({ number: 1, size: 10, total: 12 });
    expect(first.body.data).toHaveLength(10);
    expect((await call('GET', '/v2/api-products?page[number]=2')).body.data).toHaveLength(2);
    expect((await call('GET', '/v2/api-products?sort=name desc&page[size]=1')).body.data[0].name).toBe('p11');
    expect((await call('GET', '/v2/api-products?filter[name][contains]=p1')).body.meta.page.total).toBe(2);
    expect((await call('GET', '/v2/api-products?page[size]=abc')).body.invalid_parameters[0]).toEqual({ field: 'page[size]', rule: 'is_number', reason: '"page[size]" must be a number', source: 'query' });
    expect((await call('GET', '/v2/api-products?page[size]=101')).body.invalid_parameters[0]).toMatchObject({ rule: 'max', maximum: 100 });
    const unknown = await call('GET', `/v2/portals/${emu.portalId}/applications?filter[my_attribute]=x`);
    expect(unknown.body.invalid_parameters[0]).toEqual({ field: 'filter[my_attribute]', rule: 'unknown_property', reason: '"filter[my_attribute]" is not allowed', source: 'query' });
    expect((await call('GET', `/v2/portals/${emu.portalId}/application-registrations?filter[labels.x]=y`)).status).toBe(400);
    expect((await call('GET', '/v2/portals/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call('GET', '/v2/portals?filter[is_public]=false')).body.data).toHaveLength(1);

    // One flavour per start: the v3 routes answer 404.
    expect((await call('GET', `/v3/portals/${emu.portalId}`)).status).toBe(404);
    expect((await call('GET', '/v3/apis')).status).toBe(404);
  });

  it('injects faults with --fail-rate, from the seed', async () => {
    const outcomes = async () => {
      const emu = await startEmulator({ flavour: 'classic', port: 0, token: TOKEN, failRate: 0.5, seed: 3, retryAfterSeconds: 0 });
      try {
        const seen: string[] = [];
        for (let i = 0; i < 30; i++) {
          try {
            const res = await fetch(`${emu.adminUrl}/v2/api-products`, { headers: { authorization: `Bearer ${TOKEN}` } });
            seen.push(String(res.status));
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
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200', '429', '500', '503', 'reset']));
  });

  it('state: classic records survive a restart; a version the v3 flavour published reads as a portal product version with a stable id', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'classic-')), 'state.json');
    const v3 = await startEmulator({ state, port: 0, token: TOKEN });
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const api = (await (await fetch(`${v3.adminUrl}/v3/apis`, { method: 'POST', headers, body: JSON.stringify({ name: 'billing', version: 'v1' }) })).json()) as { id: string };
    await fetch(`${v3.adminUrl}/v3/apis/${api.id}/publications/${v3.portalId}`, { method: 'PUT', headers, body: '{"auth_strategy_ids":null}' });
    await v3.stop();

    const read = async () => {
      const emu = await startEmulator({ flavour: 'classic', state, port: 0, token: TOKEN });
      try {
        const get = (path: string) => fetch(emu.adminUrl + path, { headers }).then((r) => r.json() as Promise<any>);
        const ppv = await get(`/v2/portals/${emu.portalId}/product-versions/${api.id}`);
        const product = (await get('/v2/api-products')).data[0];
        const version = await get(`/v2/api-products/${product.id}/product-versions/${api.id}`);
        return { ppv, version };
      } finally {
        await emu.stop();
      }
    };
    const first = await read();
    expect(first.ppv).toMatchObject({ product_version_id: api.id, publish_status: 'published', application_registration_enabled: false, auth_strategies: [] });
    expect(first.version.portals[0].portal_product_version_id).toBe(first.ppv.id);
    expect((await read()).ppv.id).toBe(first.ppv.id);

    // A portal product version the classic flavour created keeps its id and settings on disk.
    const emu = await startEmulator({ flavour: 'classic', state, port: 0, token: TOKEN });
    const patched = (await (await fetch(`${emu.adminUrl}/v2/portals/${emu.portalId}/product-versions/${api.id}`, { method: 'PATCH', headers, body: '{"deprecated":true}' })).json()) as { id: string };
    await emu.stop();
    const again = await read();
    expect(again.ppv).toMatchObject({ id: patched.id, deprecated: true });
    expect(patched.id).toBe(first.ppv.id);
  });

  it('store check: the classic fields are typed', () => {
    const base = { format_version: 1, auth_strategies: {}, product_versions: {}, applications: {}, registrations: {}, credentials: {} };
    const portals = { p: { name: 'default', auto_approve_applications: false, default_application_auth_strategy_id: null, authentication_enabled: true, is_public: 'yes' } };
    expect(storeProblems({ ...base, products: { a: { name: 'a', portal_ids: 'p' } }, portals })).toEqual(['products.a: portal_ids must be a list of ids, not "p"', 'portals.p: is_public must be true or false, not "yes"']);
  });

  it('refuses an unknown flavour', async () => {
    await expect(startEmulator({ flavour: 'nonsense' as never })).rejects.toThrow('--flavour nonsense: expected v3 or classic');
  });
});

describe('portalctl emulator --flavour classic', () => {
  const io = (out: { stdout: string; stderr: string }, stop?: AbortSignal) => ({
    stdout: (t: string) => void (out.stdout += t),
    stderr: (t: string) => void (out.stderr += t),
    env: {},
    cwd: ROOT,
    stdoutIsTTY: false,
    stdinIsTTY: false,
    ...(stop && { stop }),
  });

  it('prints its URLs and serves the v2 routes until stopped', async () => {
    const stop = new AbortController();
    const out = { stdout: '', stderr: '' };
    const done = run(['emulator', '--flavour', 'classic', '--token', 'T', '--developer', 'dev@example.com:PW'], io(out, stop.signal));
    while (!out.stdout.includes('Stop with')) await new Promise((resolve) => setTimeout(resolve, 10));
    const admin = /admin API:\s+(\S+)\s+\(--konnect-url\)/.exec(out.stdout)![1]!;
    expect(out.stdout).toMatch(/portal API: http:\/\/127\.0\.0\.1:\d+ {3}\(--portal-url\)/);
    expect(out.stdout).toMatch(/gateway:\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out.stdout).toMatch(/portal:\s+default \([0-9a-f-]{36}\), classic/);
    expect((await fetch(`${admin}/v2/portals`, { headers: { authorization: 'Bearer T' } })).status).toBe(200);
    const login = await fetch(`${admin}/api/v2/developer/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"dev@example.com","password":"PW"}' });
    expect(login.status).toBe(204);
    stop.abort('SIGINT');
    expect(await done).toBe(0);
  });

  it('refuses --flavour nonsense as one line, exit 1', async () => {
    const out = { stdout: '', stderr: '' };
    expect(await run(['emulator', '--flavour', 'nonsense'], io(out))).toBe(1);
    expect(out.stderr).toBe('error: --flavour nonsense: expected v3 or classic\n');
    expect(out.stdout).toBe('');
  });

  it('the real binary starts the classic flavour and ends on SIGTERM (exit 0)', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--flavour', 'classic', '--token', 'T'], { cwd: ROOT, env: { PATH: process.env.PATH } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!stdout.includes('Stop with')) {
      if (child.exitCode !== null) throw new Error(`exited early: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const admin = /admin API:\s+(\S+)/.exec(stdout)![1]!;
    expect((await fetch(`${admin}/v2/api-products`, { headers: { authorization: 'Bearer T' } })).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
