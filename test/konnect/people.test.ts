import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Plan } from '../../src/types/plan.js';
import { cli, tempDir } from '../helpers/cli.js';
import { workspace } from '../helpers/workspace.js';

const TOKEN = 'kpat_people';
const DEV = { email: 'dev@example.com', password: 'pw-people' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emulator() {
  const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
  running.push(emu);
  return emu;
}

const konnect = (emu: RunningEmulator) => ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
const summary = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

async function planJson(config: string, emu: RunningEmulator): Promise<Plan> {
  const r = await cli(['plan', config, ...konnect(emu), '--format', 'json'], ENV);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Plan;
}

const DEVELOPERS = `developers:
  - email: dana@partner.example
    full_name: Dana Partner
    status: approved
  - email: omar@reseller.example
    full_name: Omar Reseller
    status: approved
`;

describe('developers on --backend konnect (v3)', () => {
  it('invites the declared developers, then no changes; revoking one plans and applies exactly that; a full_name change is refused at plan time', async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'people.yaml');
    await writeFile(config, DEVELOPERS);
    const applied = await cli(['apply', config, ...konnect(emu), '--yes', '--credentials-out', join(await tempDir(), 'keys.json')], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await planJson(config, emu)).changes).toEqual([]);

    await writeFile(config, DEVELOPERS.replace('status: approved\n  - email: omar', 'status: revoked\n  - email: omar'));
    expect(summary(await planJson(config, emu))).toEqual(['update developer.dana@partner.example']);
    const revoked = await cli(['apply', config, ...konnect(emu), '--yes'], ENV);
    expect(revoked.code).toBe(0);
    expect((await planJson(config, emu)).changes).toEqual([]);
    const dump = await cli(['dump', ...konnect(emu), '--format', 'json'], ENV);
    expect(dump.stdout).toContain('revoked');

    await writeFile(config, DEVELOPERS.replace('full_name: Omar Reseller', 'full_name: Omar R.'));
    const refused = await cli(['plan', config, ...konnect(emu)], ENV);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${config}:6:16: developer "omar@reseller.example": full_name cannot change on the konnect backend (update-developer takes only a status, and replacing a developer deletes their applications); it is "Omar Reseller" in the portal`,
    );
  });

  it('creates a team with its members, then no changes; removing a member plans and applies exactly that; the team changes in place', async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'people.yaml');
    const team = `teams:
  - name: acme-partners
    description: Acme's integration developers
    can_own_applications: true
    members:
      - developer: dana@partner.example
      - developer: omar@reseller.example
`;
    await writeFile(config, DEVELOPERS + team);
    const applied = await cli(['apply', config, ...konnect(emu), '--yes', '--credentials-out', join(await tempDir(), 'keys.json')], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await planJson(config, emu)).changes).toEqual([]);

    await writeFile(config, DEVELOPERS + team.replace('      - developer: omar@reseller.example\n', ''));
    expect(summary(await planJson(config, emu))).toEqual(['delete team_member.acme-partners/omar@reseller.example']);
    expect((await cli(['apply', config, ...konnect(emu), '--yes'], ENV)).code).toBe(0);
    expect((await planJson(config, emu)).changes).toEqual([]);

    await writeFile(config, DEVELOPERS + team.replace("Acme's integration developers", 'Acme and friends').replace('      - developer: omar@reseller.example\n', ''));
    expect(summary(await planJson(config, emu))).toEqual(['update team.acme-partners']);
    expect((await cli(['apply', config, ...konnect(emu), '--yes'], ENV)).code).toBe(0);
    expect((await planJson(config, emu)).changes).toEqual([]);
  });

  it('examples/org applies unchanged, then no changes; revoking a developer, removing a team member and changing a team\'s role each plan and apply exactly that change', async () => {
    // The portal the example names, with the example's mobile CI account (the developer session that makes the mobile team's keys) signed up.
    const ci = { email: 'mobile-ci@acme.example', password: 'pw-mobile-ci' };
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [ci] });
    running.push(emu);
    const renamed = await fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'developer-portal' }),
    });
    expect(renamed.status).toBe(200);
    const env = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: ci.email, KONNECT_PORTAL_PASSWORD: ci.password };
    const ws = await workspace('org');
    const onboarding = 'people/partner-onboarding.yaml';
    const planJson = async (config: string, on: RunningEmulator): Promise<Plan> => {
      const r = await cli(['plan', config, ...konnect(on), '--format', 'json'], env);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as Plan;
    };
    const plan = async () => planJson(ws.config, emu);
    const apply = async () => {
      const r = await cli(['apply', ws.config, ...konnect(emu), '--yes', '--credentials-out', ws.creds], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    };
    await apply();
    expect((await plan()).changes).toEqual([]);
    // The session developer made the mobile team's keys: a member of the team through the same apply.
    expect(await readFile(ws.creds, 'utf8')).toContain('mobile-banking');

    await ws.edit(onboarding, 'full_name: Omar Reseller\n    status: approved', 'full_name: Omar Reseller\n    status: revoked');
    expect(summary(await plan())).toEqual(['update developer.ops@reseller.example']);
    await apply();
    expect((await plan()).changes).toEqual([]);

    await ws.edit(onboarding, '      - developer: ops@reseller.example\n', '');
    expect(summary(await plan())).toEqual(['delete team_member.acme-partners/ops@reseller.example']);
    await apply();
    expect((await plan()).changes).toEqual([]);

    await ws.edit(onboarding, '{ role: API Consumer, product: accounts, version: v1 }', '{ role: API Viewer, product: accounts, version: v1 }');
    expect(summary(await plan())).toEqual(['replace team_role.acme-partners/accounts/v1']);
    await apply();
    expect((await plan()).changes).toEqual([]);
  });

  it("a team-owned application's keys: the team's members as the config lists them decide whether the developer session may make them", async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'team-app.yaml');
    const text = (members: string) => `auth_strategies:
  - { name: key-auth, type: key_auth, key_names: [apikey] }
teams:
  - name: mobile
    can_own_applications: true
    members: ${members}
applications:
  - reference_id: app
    name: App
    owner: { type: team, name: mobile }
    auth_strategy: key-auth
    credentials:
      - name: ci
`;
    await writeFile(config, text(`[{ developer: ${DEV.email} }]`));
    expect(summary(await planJson(config, emu))).toEqual(['create auth_strategy.key-auth', 'create team.mobile', `create team_member.mobile/${DEV.email}`, 'create application.app', 'create credential.app/ci']);
    const applied = await cli(['apply', config, ...konnect(emu), '--yes', '--credentials-out', join(await tempDir(), 'keys.json')], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    // Listed without the session developer, the team will not have it when keys are made: refused, though it is a member now.
    await writeFile(config, text('[]'));
    const refused = await cli(['plan', config, ...konnect(emu)], ENV);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`application "app": its credentials are made by the developer session ("${DEV.email}"), which can manage only applications it owns or its teams own, not one owned by team "mobile"`);
  });
});
