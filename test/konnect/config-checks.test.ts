import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_checks';
const ENV = { KONNECT_TOKEN: TOKEN };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** An emulator whose one portal auto-approves applications (or not), from a state file. */
async function emulator(autoApprove: boolean) {
  const dir = await tempDir();
  const state = join(dir, 'state.json');
  const portal = { name: 'default', auto_approve_applications: autoApprove, default_application_auth_strategy_id: null, authentication_enabled: true };
  const empty = { auth_strategies: {}, products: {}, product_versions: {}, applications: {}, registrations: {}, credentials: {} };
  await writeFile(state, JSON.stringify({ format_version: 1, ...empty, portals: { '0b0e0000-0000-4000-8000-000000000001': portal } }));
  const emu = await startEmulator({ port: 0, token: TOKEN, state });
  running.push(emu);
  return { emu, dir };
}

const config = (publish: 'published' | 'unpublished', autoApprove: boolean) => `namespace: checks
auth_strategies: [{ name: keys, type: key_auth }]
products:
  - name: billing
    versions:
      - name: v1
        publish_status: ${publish}
        registration: { enabled: true, auth_strategy: keys, auto_approve: ${autoApprove} }
`;

describe('what Konnect cannot hold of a config beyond single fields', () => {
  it('an unpublished version that accepts registrations is an error at its line (M5)', async () => {
    const { emu, dir } = await emulator(false);
    const file = join(dir, 'c.yaml');
    await writeFile(file, config('unpublished', false));
    const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}:6:9: product version "billing/v1": an unpublished version cannot accept registrations on the konnect backend (its registration settings live on its publication); publish it or disable registration\ninvalid: 1 error\n`,
    );
  });

  it('a public unpublished version is an error at its visibility line: it could never converge (the publication holds visibility)', async () => {
    const { emu, dir } = await emulator(false);
    const file = join(dir, 'c.yaml');
    await writeFile(file, config('unpublished', false).replace(/        registration: .*\n/, '        visibility: public\n'));
    const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(r.stderr).toBe(
      `${file}:8:21: product version "billing/v1": visibility public needs the version published on the konnect backend (its publication holds the visibility); publish it or leave visibility out\ninvalid: 1 error\n`,
    );
    expect(r.code).toBe(1);
    // Nor can it hold a disabled registration's strategy.
    await writeFile(file, config('unpublished', false).replace('        registration: { enabled: true', '        registration: { enabled: false'));
    const settings = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(settings.stderr).toBe(
      `${file}:8:34: product version "billing/v1": an unpublished version cannot hold registration settings on the konnect backend (they live on its publication); publish it or leave registration.auth_strategy out\ninvalid: 1 error\n`,
    );
    // Private (what an unpublished version reads back as) and registration off plan, apply and converge.
    await writeFile(file, config('unpublished', false).replace(/        registration: .*\n/, '        visibility: private\n        registration: { enabled: false }\n'));
    expect((await cli(['apply', file, '--yes', '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV)).code).toBe(0);
    const again = await cli(['plan', file, '--detailed-exitcode', '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('a new application without auth_strategy on a portal with no default and two key-auth strategies stops apply before any change, not at a failed create', async () => {
    const { emu, dir } = await emulator(false);
    const file = join(dir, 'c.yaml');
    const text = (strategies: string, owner = '    owner: { type: team, name: owners }\n') => `namespace: checks
auth_strategies: [${strategies}]
teams: [{ name: owners, can_own_applications: true }]
applications:
  - reference_id: no-strategy
    name: No strategy
${owner}`;
    await writeFile(file, text('{ name: keys, type: key_auth }, { name: more-keys, type: key_auth }'));
    const plan = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(plan.code).toBe(0);
    const unmet = 'this plan cannot be applied: application.no-strategy names no auth_strategy, and the portal has no default strategy and 2 key-auth strategies to take instead: set auth_strategy';
    expect(plan.stdout).toContain(unmet);
    const r = await cli(['apply', file, '--yes', '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(r.stderr).toBe(`error: ${unmet} (nothing applied)\n`);
    expect(r.code).toBe(3);
    expect(emu.state.engine.list('auth_strategies')).toHaveLength(0);
    // Without an owner nor a developer session to own it, the create would fail too: apply refuses first.
    await writeFile(file, text('{ name: keys, type: key_auth }', ''));
    const ownerless = await cli(['apply', file, '--yes', '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(ownerless.stderr).toMatch(/^error: this plan cannot be applied: application\.no-strategy needs a developer session: .*KONNECT_PORTAL_EMAIL.*\(nothing applied\)\n$/);
    expect(ownerless.code).toBe(3);
    expect(emu.state.engine.list('auth_strategies')).toHaveLength(0);
    // One key-auth strategy: Konnect's choice is that one, and the apply goes through.
    await writeFile(file, text('{ name: keys, type: key_auth }'));
    const applied = await cli(['apply', file, '--yes', '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(applied.stderr, applied.stdout).toBe('');
    expect(applied.code).toBe(0);
  });

  it("auto_approve: false on a portal that auto-approves applications is a warning (M7), and only there", async () => {
    for (const portalApproves of [true, false]) {
      const { emu, dir } = await emulator(portalApproves);
      const file = join(dir, 'c.yaml');
      await writeFile(file, config('published', false));
      const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
      expect(r.code).toBe(0);
      const warning = `${file}:6:9: warning: product version "billing/v1": auto_approve is false, but portal "default" auto-approves applications, which Konnect applies to this version's registrations too\n`;
      expect(r.stderr).toBe(portalApproves ? warning : '');
    }
  });
});

describe('credentials the developer session cannot manage', () => {
  it("are a plan-time error for an application owned by another developer or a team the session developer is not in", async () => {
    const dev = { email: 'dev@example.com', password: 'pw-dev' };
    const other = { email: 'other@example.com', password: 'pw-other' };
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [dev, other] });
    running.push(emu);
    const admin = (path: string, body: object) =>
      fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ id: string }>,
      );
    const mine = await admin('/teams', { name: 'mine', can_own_applications: true });
    await admin('/teams', { name: 'theirs', can_own_applications: true });
    const developers = (await fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}/developers`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json())) as {
      data: { id: string; email: string }[];
    };
    const devId = developers.data.find((d) => d.email === dev.email)!.id;
    await fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}/teams/${mine.id}/developers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: devId }),
    });

    const dir = await tempDir();
    const file = join(dir, 'c.yaml');
    const app = (ref: string, owner: string) => `  - reference_id: ${ref}\n    name: ${ref}\n    owner: ${owner}\n    credentials: [{ name: ci }]\n`;
    await writeFile(
      file,
      `namespace: checks\nauth_strategies: [{ name: keys, type: key_auth }]\napplications:\n` +
        app('own', `{ type: developer, name: ${dev.email} }`) +
        app('by-team', '{ type: team, name: mine }') +
        app('foreign', `{ type: developer, name: ${other.email} }`) +
        app('other-team', '{ type: team, name: theirs }'),
    );
    const env = { ...ENV, KONNECT_PORTAL_EMAIL: dev.email, KONNECT_PORTAL_PASSWORD: dev.password };
    const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl], env);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `${file}:12:5: application "foreign": its credentials are made by the developer session ("dev@example.com"), which can manage only applications it owns or its teams own, not one owned by developer "other@example.com"`,
      `${file}:16:5: application "other-team": its credentials are made by the developer session ("dev@example.com"), which can manage only applications it owns or its teams own, not one owned by team "theirs"`,
      'invalid: 2 errors',
    ]);
  });
});

describe('what Konnect keeps in labels', () => {
  it('a reference ID that is not a label value, and labels past what Konnect holds with portalctl\'s own, are errors at their lines (M8, M15)', async () => {
    const { emu, dir } = await emulator(false);
    const file = join(dir, 'c.yaml');
    const labels = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v']));
    const long = 'a'.repeat(64);
    await writeFile(
      file,
      // An owner and one key-auth strategy: what a new application needs on Konnect besides its labels.
      `namespace: checks\napplications:\n  - { reference_id: ${long}, name: Long, owner: { type: team, name: owners } }\n  - { reference_id: ends-with-dot., name: Dot, owner: { type: team, name: owners } }\n  - reference_id: labelled\n    name: Labelled\n    owner: { type: team, name: owners }\n    labels: ${JSON.stringify(labels)}\n` +
        'auth_strategies: [{ name: keys, type: key_auth }]\nteams: [{ name: owners, can_own_applications: true }]\n',
    );
    const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file}:3:5: application "a{40,}…": on the konnect backend its reference ID is kept in the label portalctl-reference-id, so it must be at most 63 letters`)),
      expect.stringMatching(new RegExp(`^${file}:4:5: application "ends-with-dot\\.": on the konnect backend its reference ID is kept in the label portalctl-reference-id`)),
      `${file}:5:5: application.labelled: 48 labels, but the konnect backend allows at most 47 (Konnect keeps 50 per object, and portalctl's own labels count too)`,
      'invalid: 3 errors',
    ]);
  });
});
