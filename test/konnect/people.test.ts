import { writeFile } from 'node:fs/promises';
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

/** A team, made through the admin API, with one member of the portal's developers. */
async function seedTeam(emu: RunningEmulator, name: string, email: string): Promise<void> {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
  const developer = ((await (await admin(`/developers?filter[email][eq]=${encodeURIComponent(email)}`)).json()) as { data: { id: string }[] }).data[0]!;
  const team = (await (await admin('/teams', { method: 'POST', body: JSON.stringify({ name, can_own_applications: true }) })).json()) as { id: string };
  expect((await admin(`/teams/${team.id}/developers`, { method: 'POST', body: JSON.stringify({ id: developer.id }) })).status).toBe(201);
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
    const applied = await cli(['apply', config, ...konnect(emu), '--yes'], ENV);
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
    const applied = await cli(['apply', config, ...konnect(emu), '--yes'], ENV);
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

  it('examples/org applies, then no changes; revoking a developer, removing a team member and changing a team\'s role each plan and apply exactly that change', async () => {
    const emu = await emulator();
    const ws = await workspace('org');
    const onboarding = 'people/partner-onboarding.yaml';
    await ws.edit('portal.yaml', 'portal: developer-portal', 'portal: default'); // the emulator's portal
    // Konnect v3 holds no version description nor deprecation (MAPPING M1, M3).
    await ws.edit('products/payments-team.yaml', /\n {8}(description: .*|deprecated: true)/g, '');
    // The session developer makes the mobile team's credentials: it is a member of that team already.
    await seedTeam(emu, 'mobile', DEV.email);
    const plan = async () => planJson(ws.config, emu);
    const apply = async () => {
      const r = await cli(['apply', ws.config, ...konnect(emu), '--yes', '--credentials-out', ws.creds], ENV);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    };
    await apply();
    expect((await plan()).changes).toEqual([]);

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
});
