import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLive } from '../src/backends/live.js';
import { localAdapters } from '../src/backends/local/kinds/index.js';
import { LocalEngine } from '../src/backends/local/engine.js';
import type { Adapters, LiveObject } from '../src/backends/adapter.js';
import { cli, tempDir } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';
import type { Plan } from '../src/types/plan.js';

const ONBOARDING = 'people/partner-onboarding.yaml';

async function planJson(ws: Awaited<ReturnType<typeof workspace>>): Promise<Plan> {
  const r = await ws.run('plan', '--format', 'json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Plan;
}

const summary = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

describe('developers and teams on the local backend', () => {
  it('examples/org applies, and a second plan shows no changes', async () => {
    const ws = await workspace('org');
    const applied = await ws.apply();
    expect(applied.code).toBe(0);
    const plan = await planJson(ws);
    expect(plan.changes).toEqual([]);
    const live = await ws.live();
    expect(live.ofKind('developer').map((d) => d.key).sort()).toEqual(['dev@partner.example', 'mobile-ci@acme.example', 'ops@reseller.example']);
    expect(live.get('team_member.acme-partners/dev@partner.example')).toBeDefined();
    expect(live.get('team_role.acme-partners/accounts/v1')?.attrs).toMatchObject({ role: 'API Consumer' });
  });

  it('removing a developer from a team plans and applies exactly that change', async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit(ONBOARDING, '      - developer: ops@reseller.example\n', '');
    expect(summary(await planJson(ws))).toEqual(['delete team_member.acme-partners/ops@reseller.example']);
    expect((await ws.apply()).code).toBe(0);
    expect((await planJson(ws)).changes).toEqual([]);
    const live = await ws.live();
    expect(live.has('team_member.acme-partners/ops@reseller.example')).toBe(false);
    expect(live.has('developer.ops@reseller.example')).toBe(true);
  });

  it("revoking a developer plans exactly that change and names the applications whose registrations stop", async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit(ONBOARDING, /(ops@reseller.example\n\s+full_name: Omar Reseller\n\s+status: )approved/, '$1revoked');
    const plan = await planJson(ws);
    expect(summary(plan)).toEqual(['update developer.ops@reseller.example']);
    expect(plan.changes[0]!.access).toBe('revoked: the registrations of legacy-reseller stop working');
    const text = await ws.run('plan');
    expect(text.stdout).toContain('access: revoked: the registrations of legacy-reseller stop working');
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.live()).getOf('developer', 'ops@reseller.example')?.attrs.status).toBe('revoked');
    expect((await planJson(ws)).changes).toEqual([]);
  });

  it("changing a team's role plans and applies exactly that change", async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit(ONBOARDING, 'role: API Consumer', 'role: API Viewer');
    const plan = await planJson(ws);
    expect(summary(plan)).toEqual(['replace team_role.acme-partners/accounts/v1']);
    expect(plan.changes[0]!.diff).toEqual([{ path: 'role', before: 'API Consumer', after: 'API Viewer' }]);
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.live()).getOf('team_role', 'acme-partners/accounts/v1')?.attrs.role).toBe('API Viewer');
    expect((await planJson(ws)).changes).toEqual([]);
  });

  it('updates a team and a developer in place; an undeclared developer or team is never deleted', async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit(ONBOARDING, "description: Acme's integration developers", 'description: Acme and friends');
    await ws.edit(ONBOARDING, 'full_name: Dana Partner', 'full_name: Dana P. Partner');
    expect(summary(await planJson(ws))).toEqual(['update developer.dev@partner.example', 'update team.acme-partners']);
    expect((await ws.apply()).code).toBe(0);
    expect((await planJson(ws)).changes).toEqual([]);
    // The team's application moves to a developer, and the team leaves the config: it stays in the portal.
    await ws.edit(ONBOARDING, 'owner: { type: team, name: acme-partners }', 'owner: { type: developer, name: dev@partner.example }');
    await ws.edit(ONBOARDING, /  - name: acme-partners[\s\S]*?(?=\n  - name: mobile)/, '');
    await ws.edit(ONBOARDING, /  - email: ops@reseller.example\n.*\n.*\n/, '');
    await ws.edit('applications/partners.yaml', 'owner: { type: developer, name: ops@reseller.example }', 'owner: { type: developer, name: dev@partner.example }');
    expect(summary(await planJson(ws))).toEqual(['update application.legacy-reseller', 'update application.acme-partner-portal']);
    expect((await ws.apply()).code).toBe(0);
    const live = await ws.live();
    expect(live.has('team.acme-partners') && live.has('team_member.acme-partners/ops@reseller.example') && live.has('developer.ops@reseller.example')).toBe(true);
  });

  it('dump then plan shows no changes', async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    const out = join(ws.dir, 'dump');
    expect((await cli(['dump', '--state', ws.state, '--out', out])).code).toBe(0);
    const r = await cli(['plan', out, '--state', ws.state, '--detailed-exitcode']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('validate: application owners', () => {
  const config = `developers:
  - { email: dana@partner.example, full_name: Dana }
teams:
  - { name: readers }
  - { name: builders, can_own_applications: true }
applications:
  - reference_id: a
    name: A
    owner: { type: developer, name: dana@partner.exampel }
  - reference_id: b
    name: B
    owner: { type: team, name: readers }
  - reference_id: c
    name: C
    owner: { type: team, name: builders }
`;

  it('an unknown owner and a team that cannot own applications are errors at their file and line', async () => {
    const dir = await tempDir();
    const file = join(dir, 'people.yaml');
    await writeFile(file, config);
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:7:5: application "a": owner: unknown developer "dana@partner.exampel" (did you mean "dana@partner.example"?)`);
    expect(r.stderr).toContain(`${file}:10:5: application "b": owner: team "readers" cannot own applications (${file}:4:5); set its can_own_applications: true`);
    expect(r.stderr).not.toContain('application "c"');
  });

  it('a team member naming an unknown developer is an error', async () => {
    const dir = await tempDir();
    const file = join(dir, 'people.yaml');
    await writeFile(file, 'developers: []\nteams:\n  - name: t\n    members:\n      - developer: who@nowhere.example\n');
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5:9: unknown developer "who@nowhere.example"`);
  });
});

describe('two live teams of one name', () => {
  it('are reported, naming the name and both ids, and neither (nor anything in them) is touched', async () => {
    const dir = await tempDir();
    const engine = new LocalEngine({ format_version: 1, auth_strategies: {}, products: {}, product_versions: {}, applications: {}, registrations: {}, credentials: {} });
    const adapters = localAdapters(engine);
    // The local store keeps team names unique; Konnect does not: the adapter lists the team twice.
    const { id } = await adapters.team.create({ attrs: { name: 'partners', description: '', can_own_applications: false }, labels: {}, protected: false });
    const twice: Adapters = {
      ...adapters,
      team: { ...adapters.team, list: async () => [...(await adapters.team.list()), { id: 'second-id', attrs: { name: 'partners', description: 'other', can_own_applications: true }, labels: {}, protected: false } satisfies LiveObject<'team'>] },
    };
    const live = await readLive(twice);
    expect(live.duplicatesOf('team.partners')).toEqual([id, 'second-id']);

    const { diffStates } = await import('../src/plan/diff.js');
    const { loadDesired } = await import('../src/config/load.js');
    const file = join(dir, 'teams.yaml');
    await writeFile(file, 'teams:\n  - name: partners\n    description: changed\n    members: []\n');
    const { desired } = await loadDesired([file], { outside: live });
    const plan = diffStates(desired!, live, { backend: { type: 'local', target: 'x' } });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([`team.partners is held by 2 teams of the portal (ids ${id}, second-id): which one is meant cannot be told, so neither is touched`]);
  });
});
