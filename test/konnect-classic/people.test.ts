import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Plan } from '../../src/types/plan.js';
import { cli, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_classic_people';
const DEV = { email: 'dev@example.com', password: 'pw-classic-people' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** A classic emulator whose portal has two developers who signed up (the classic admin API invites no one), pending approval. */
async function emulator() {
  const emu = await startEmulator({ flavour: 'classic', port: 0, token: TOKEN, developers: [DEV] });
  running.push(emu);
  for (const [email, full_name] of [
    ['dana@partner.example', 'Dana Partner'],
    ['omar@reseller.example', 'Omar Reseller'],
  ] as const) {
    emu.state.engine.create('developers', { portal_id: emu.portalId, email, full_name, status: 'pending', password_hash: null });
  }
  return emu;
}

const classic = (emu: RunningEmulator) => ['--backend', 'konnect-classic', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
const summary = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

const PEOPLE = `products:
  - name: accounts
    versions:
      - name: v1
        registration: { enabled: false }
developers:
  - email: dana@partner.example
    full_name: Dana Partner
    status: approved
  - email: omar@reseller.example
    full_name: Omar Reseller
    status: approved
teams:
  - name: acme-partners
    members:
      - developer: dana@partner.example
      - developer: omar@reseller.example
    roles:
      - { role: API Consumer, product: accounts, version: v1 }
`;

async function planJson(config: string, emu: RunningEmulator): Promise<Plan> {
  const r = await cli(['plan', config, ...classic(emu), '--format', 'json'], ENV);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Plan;
}

async function apply(config: string, emu: RunningEmulator): Promise<void> {
  const r = await cli(['apply', config, ...classic(emu), '--yes'], ENV);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

async function refusal(config: string, emu: RunningEmulator): Promise<string> {
  const r = await cli(['plan', config, ...classic(emu)], ENV);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('invalid:'))).toHaveLength(1);
  return r.stderr;
}

describe('developers and teams on --backend konnect-classic', () => {
  it('approves the developers, makes the team with its members and role, then no changes; removing a member, revoking a developer and changing the role each plan and apply exactly that', async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'people.yaml');
    await writeFile(config, PEOPLE);
    expect(summary(await planJson(config, emu))).toEqual([
      'create product.accounts',
      'create product_version.accounts/v1',
      'update developer.dana@partner.example',
      'update developer.omar@reseller.example',
      'create team.acme-partners',
      'create team_member.acme-partners/dana@partner.example',
      'create team_member.acme-partners/omar@reseller.example',
      'create team_role.acme-partners/accounts/v1',
    ]);
    await apply(config, emu);
    expect((await planJson(config, emu)).changes).toEqual([]);
    // The role is the classic portal's: on the API product.
    const [team] = emu.state.engine.list('teams');
    const [product] = emu.state.engine.list('products');
    expect(team![1].roles).toEqual([expect.objectContaining({ role_name: 'API Consumer', entity_id: product![0], entity_type_name: 'Services' })]);

    let edited = PEOPLE.replace('      - developer: omar@reseller.example\n', '');
    await writeFile(config, edited);
    expect(summary(await planJson(config, emu))).toEqual(['delete team_member.acme-partners/omar@reseller.example']);
    await apply(config, emu);
    expect((await planJson(config, emu)).changes).toEqual([]);

    edited = edited.replace('Omar Reseller\n    status: approved', 'Omar Reseller\n    status: revoked');
    await writeFile(config, edited);
    expect(summary(await planJson(config, emu))).toEqual(['update developer.omar@reseller.example']);
    await apply(config, emu);
    expect((await planJson(config, emu)).changes).toEqual([]);
    expect(emu.state.engine.get('developers', emu.state.developerByEmail('omar@reseller.example')!).status).toBe('revoked');

    edited = edited.replace('role: API Consumer', 'role: API Viewer');
    await writeFile(config, edited);
    const plan = await planJson(config, emu);
    expect(summary(plan)).toEqual(['replace team_role.acme-partners/accounts/v1']);
    expect(plan.changes[0]!.diff).toEqual([{ path: 'role', before: 'API Consumer', after: 'API Viewer' }]);
    await apply(config, emu);
    expect((await planJson(config, emu)).changes).toEqual([]);
    expect(emu.state.engine.list('teams')[0]![1].roles).toEqual([expect.objectContaining({ role_name: 'API Viewer', entity_id: product![0] })]);

    // What the portal holds dumps as config that plans no changes.
    const out = join(await tempDir(), 'dump');
    expect((await cli(['dump', ...classic(emu), '--namespace', 'default', '--out', out], ENV)).code).toBe(0);
    const again = await cli(['plan', out, ...classic(emu), '--detailed-exitcode'], ENV);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  it('a role on a product of two versions reads as that role on each; declaring it on one only is refused at its line', async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'people.yaml');
    const two = PEOPLE.replace('        registration: { enabled: false }\n', '        registration: { enabled: false }\n      - name: v2\n        registration: { enabled: false }\n');
    await writeFile(config, two);
    expect(await refusal(config, emu)).toContain(
      `${config}:21:9: team role "acme-partners/accounts/v1": the konnect-classic backend holds a team's role on a whole API product (its roles are on Services, not versions), so team "acme-partners" must have the same role on each version of "accounts", but "accounts/v2" has none`,
    );
    await writeFile(config, `${two}      - { role: API Consumer, product: accounts, version: v2 }\n`);
    await apply(config, emu);
    expect((await planJson(config, emu)).changes).toEqual([]);
    expect(emu.state.engine.list('teams')[0]![1].roles).toHaveLength(1);
    await writeFile(config, `${two}      - { role: API Viewer, product: accounts, version: v2 }\n`);
    expect(await refusal(config, emu)).toContain('but "accounts/v2" has "API Viewer"');
  });

  it('refuses at its line a developer the portal does not have, a changed full name, and what a classic team cannot hold', async () => {
    const emu = await emulator();
    const config = join(await tempDir(), 'people.yaml');
    await writeFile(config, `${PEOPLE.split('teams:')[0]!}  - email: new@partner.example\n    full_name: New Partner\n`);
    expect(await refusal(config, emu)).toContain(
      `${config}:13:5: developer "new@partner.example": the konnect-classic backend cannot create a developer (its admin API invites no one; they sign up on the portal); declare only developers the portal has, to set their status`,
    );

    await writeFile(config, PEOPLE.replace('full_name: Omar Reseller', 'full_name: Omar R.'));
    expect(await refusal(config, emu)).toContain(
      `${config}:11:16: developer "omar@reseller.example": full_name cannot change on the konnect-classic backend (update-developer takes only a status); it is "Omar Reseller" in the portal`,
    );

    await writeFile(config, PEOPLE.replace('  - name: acme-partners\n', '  - name: acme-partners\n    description: Acme\n    can_own_applications: true\n'));
    expect(await refusal(config, emu)).toContain(`${config}:14:5: team.acme-partners: description, can_own_applications cannot be held by the konnect-classic backend; leave them out`);
  });
});
