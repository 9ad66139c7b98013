import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { observeExchanges, startEmulator, type EmulatorOptions, type Exchange, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_classic';
const DEV = { email: 'dev@example.com', password: 'pw-classic' };
const OTHER = { email: 'other@example.com', password: 'pw-other' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
const QUICKSTART = join(ROOT, 'examples/quickstart');

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emulator(options: EmulatorOptions = {}) {
  const emu = await startEmulator({ flavour: 'classic', port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV, OTHER], ...options });
  running.push(emu);
  return emu;
}

const classic = (emu: RunningEmulator) => ['--backend', 'konnect-classic', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];

/** The quickstart's portal.yaml with `edit` applied, written to a fresh folder. */
async function quickstartWith(edit: (text: string) => string): Promise<string> {
  const file = join(await tempDir(), 'portal.yaml');
  await writeFile(file, edit(await readFile(join(QUICKSTART, 'portal.yaml'), 'utf8')));
  return file;
}

/** A second version, v2, that does not auto-approve, and the application's registration to it (with `status` when given). */
const withPendingVersion = (status?: string) => (text: string) =>
  text
    .replace('          auto_approve: true\n', '          auto_approve: true\n      - name: v2\n        registration:\n          enabled: true\n          auth_strategy: key-auth\n          auto_approve: false\n')
    .replace('        version: v1\n', `        version: v1\n      - product: billing\n        version: v2\n${status ? `        status: ${status}\n` : ''}`);

/** Records the emulator exchanges of `run`. */
async function recording<T>(run: () => Promise<T>): Promise<[T, Exchange[]]> {
  const seen: Exchange[] = [];
  const stop = observeExchanges((e) => seen.push(e));
  try {
    return [await run(), seen];
  } finally {
    stop();
  }
}

/** Logs a developer in on the classic Portal API: the cookie header. */
async function login(emu: RunningEmulator, who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${emu.portalUrl}/api/v2/developer/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: who.email, password: who.password }),
  });
  expect(res.status).toBe(204);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('--backend konnect-classic against the classic emulator', () => {
  it('applies examples/quickstart: everything created, the registration approved, a key the gateway takes, then no changes; a version without auto-approve keeps a registration pending until the config says approved', async () => {
    const emu = await emulator();
    const creds = join(await tempDir(), 'creds.json');
    const applied = await cli(['apply', QUICKSTART, ...classic(emu), '--yes', '--credentials-out', creds], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\d+ requests to konnect-classic, \d+ retried/);
    const key = (JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>)['credential.mobile-banking/ci']!;
    expect(key).toEqual(expect.any(String));
    expect(applied.stdout).not.toContain(key);

    // The application has its real reference ID, and is the session developer's.
    const apps = emu.state.engine.list('applications');
    expect(apps.map(([, a]) => [a.reference_id, a.owner])).toEqual([['mobile-banking', { type: 'developer', name: DEV.email }]]);
    expect(emu.state.engine.list('registrations').map(([, r]) => r.status)).toEqual(['approved']);
    const product = emu.state.engine.list('products')[0]![1];
    expect(product.portal_ids).toEqual([emu.portalId]);

    const again = await cli(['plan', QUICKSTART, ...classic(emu), '--detailed-exitcode'], ENV);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const gateway = (path: string, headers: Record<string, string> = {}) => fetch(`${emu.gatewayUrl}${path}`, { headers }).then((r) => r.status);
    expect(await gateway('/billing/v1/invoices', { apikey: key })).toBe(200);
    expect(await gateway('/billing/v1/invoices')).toBe(401);

    const pending = await quickstartWith(withPendingVersion());
    const second = await cli(['apply', pending, ...classic(emu), '--yes'], ENV);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect((await cli(['plan', pending, ...classic(emu)], ENV)).stdout).toContain('No changes.');
    expect(await gateway('/billing/v2/invoices', { apikey: key })).toBe(403);

    const approved = await quickstartWith(withPendingVersion('approved'));
    const [third, exchanges] = await recording(() => cli(['apply', approved, ...classic(emu), '--yes'], ENV));
    expect(third.stderr).toBe('');
    expect(third.code).toBe(0);
    // Approved by the admin API.
    const patches = exchanges.filter((e) => e.method === 'PATCH' && /^\/v2\/portals\/[^/]+\/applications\/[^/]+\/registrations\/[^/]+$/.test(e.path));
    expect(patches.map((e) => e.requestBody)).toEqual([{ status: 'approved' }]);
    expect(await gateway('/billing/v2/invoices', { apikey: key })).toBe(200);
    expect((await cli(['plan', approved, ...classic(emu)], ENV)).stdout).toContain('No changes.');
  });

  it('changes a registration status (reject, revoke, approve) through the admin API, creating a rejected one as the Portal API can: create, then PATCH', async () => {
    const emu = await emulator();
    const creds = join(await tempDir(), 'creds.json');
    const statusFile = (status: string) => quickstartWith((t) => t.replace('        version: v1\n', `        version: v1\n        status: ${status}\n`));
    const [created, first] = await recording(async () => cli(['apply', await statusFile('rejected'), ...classic(emu), '--yes', '--credentials-out', creds], ENV));
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const registrationWrites = (exchanges: Exchange[]) =>
      exchanges.filter((e) => e.method !== 'GET' && e.path.includes('/registrations')).map((e) => `${e.method} ${e.path.startsWith('/api/v2/') ? 'client' : 'admin'} ${JSON.stringify(e.requestBody)}`);
    expect(registrationWrites(first)).toEqual([`POST client ${JSON.stringify({ product_version_id: emu.state.engine.list('product_versions')[0]![0] })}`, 'PATCH admin {"status":"rejected"}']);
    for (const status of ['revoked', 'approved', 'rejected']) {
      const [run, exchanges] = await recording(async () => cli(['apply', await statusFile(status), ...classic(emu), '--yes'], ENV));
      expect(run.code, run.stderr).toBe(0);
      expect(registrationWrites(exchanges)).toEqual([`PATCH admin {"status":"${status}"}`]);
      expect(emu.state.engine.list('registrations').map(([, r]) => r.status)).toEqual([status]);
    }
  });

  it("leaves another developer's applications alone: not updated, not deleted, and never adopted", async () => {
    const emu = await emulator();
    const cookie = await login(emu, OTHER);
    const strategy = await fetch(`${emu.adminUrl}/v2/application-auth-strategies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'theirs', display_name: 'Theirs', strategy_type: 'key_auth', configs: { 'key-auth': { key_names: ['apikey'] } } }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const made = await fetch(`${emu.portalUrl}/api/v2/applications`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Theirs', reference_id: 'mobile-banking', auth_strategy_id: strategy.id }),
    });
    expect(made.status).toBe(201);

    // The quickstart declares the same reference ID: reported and left alone.
    const plan = await cli(['plan', QUICKSTART, ...classic(emu)], ENV);
    expect(plan.code).toBe(0);
    expect(plan.stdout + plan.stderr).toContain('application.mobile-banking exists without an owner label: left alone');
    // Adopting it is refused: only its developer can change it.
    const adopt = await cli(['apply', QUICKSTART, ...classic(emu), '--yes', '--adopt', '--credentials-out', join(await tempDir(), 'c.json')], ENV);
    expect(adopt.code).toBe(3);
    expect(adopt.stderr).toMatch(/^error: this plan cannot be applied: application\.mobile-banking is another developer's application.*\n$/);

    // A config with no applications deletes only the namespace's (the session developer's).
    const none = await quickstartWith((t) => `${t.slice(0, t.indexOf('applications:'))}applications: []\n`);
    const applied = await cli(['apply', none, ...classic(emu), '--yes'], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(emu.state.engine.list('applications').map(([, a]) => [a.name, a.reference_id])).toEqual([['Theirs', 'mobile-banking']]);
  });

  it('without a developer session, a plan says what is missing and apply refuses (exit 3) before changing anything', async () => {
    const emu = await emulator();
    const env = { KONNECT_TOKEN: TOKEN };
    const plan = await cli(['plan', QUICKSTART, ...classic(emu)], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout + plan.stderr).toContain('KONNECT_PORTAL_EMAIL');
    const apply = await cli(['apply', QUICKSTART, ...classic(emu), '--yes', '--credentials-out', join(await tempDir(), 'c.json')], env);
    expect(apply.code).toBe(3);
    expect(apply.stderr).toMatch(/^error: this plan cannot be applied: .*KONNECT_PORTAL_EMAIL.*\(nothing applied\)\n$/);
    expect(emu.state.engine.list('auth_strategies')).toHaveLength(0);

    // Once the session developer's applications exist, a plan without the session cannot tell them, and says so.
    expect((await cli(['apply', QUICKSTART, ...classic(emu), '--yes', '--credentials-out', join(await tempDir(), 'c.json')], ENV)).code).toBe(0);
    const later = await cli(['plan', QUICKSTART, ...classic(emu)], env);
    expect(later.code).toBe(0);
    expect(later.stdout + later.stderr).toMatch(/this plan cannot be applied: the namespace's applications are the developer session's, and there is none: set KONNECT_PORTAL_EMAIL/);
  });

  it('converges with --fail-rate (answers dropped after the write landed) with no duplicate application, registration or credential', async () => {
    const emu = await emulator({ failRate: 0.3, seed: 11, retryAfterSeconds: 0 });
    const apps = Array.from({ length: 30 }, (_, i) => `  - reference_id: app-${i}\n    name: App ${i}\n    registrations:\n      - { product: shop, version: v1 }\n    credentials:\n      - name: ci\n`).join('');
    const file = join(await tempDir(), 'portal.yaml');
    await writeFile(
      file,
      `namespace: flaky\nauth_strategies:\n  - { name: keys, type: key_auth }\nproducts:\n  - name: shop\n    versions:\n      - name: v1\n        registration: { enabled: true, auth_strategy: keys, auto_approve: true }\napplications:\n${apps}`,
    );
    const creds = join(await tempDir(), 'creds.json');
    let run = await cli(['apply', file, ...classic(emu), '--yes', '--credentials-out', creds], ENV);
    if (run.code !== 0) run = await cli(['apply', file, ...classic(emu), '--yes', '--credentials-out', creds], ENV);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ requests to konnect-classic, [1-9]\d* retried/);
    const refs = emu.state.engine.list('applications').map(([, a]) => a.reference_id);
    expect(refs.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `app-${i}`).sort());
    expect(emu.state.engine.list('registrations')).toHaveLength(30);
    expect(emu.state.engine.list('credentials')).toHaveLength(30);
    const plan = await cli(['plan', file, ...classic(emu)], ENV);
    expect(plan.stdout).toContain('No changes.');
  }, 120_000);
});
