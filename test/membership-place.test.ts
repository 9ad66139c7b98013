// A team membership may be declared on either side: under the team (`members`) or under the
// developer (`teams`). Both declare the same object; each list is its owner's whole truth.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

const people = (danaTeams: string, partnersMembers = '') => `namespace: people
developers:
  - email: dana@partner.example
    full_name: Dana
${danaTeams === '' ? '' : `    teams: ${danaTeams}\n`}  - email: lee@partner.example
    full_name: Lee
teams:
  - name: partners
${partnersMembers === '' ? '' : `    members: ${partnersMembers}\n`}  - name: mobile
`;

async function run(dir: string, config: string, ...argv: string[]) {
  const file = join(dir, 'people.yaml');
  await writeFile(file, config);
  const state = argv[0] === 'validate' ? [] : ['--state', join(dir, 'state.json')];
  return cli([...argv.slice(0, 1), file, ...state, ...argv.slice(1)], { TEAM: 'partners' });
}

describe("a developer's teams", () => {
  it('declare memberships: apply makes them, a second plan has no changes, dropping one plans exactly its removal', async () => {
    const dir = await tempDir();
    const plan = await run(dir, people('[partners, mobile]'), 'plan');
    expect(plan.stdout).toContain('creating team_member partners/dana@partner.example\n  declared at');
    expect(plan.stdout).toContain('creating team_member mobile/dana@partner.example\n  declared at');
    expect((await run(dir, people('[partners, mobile]'), 'apply', '--yes')).code).toBe(0);
    expect((await run(dir, people('[partners, mobile]'), 'plan', '--detailed-exitcode')).code).toBe(0);

    // The developer's list is the whole truth for the developer: mobile is dropped, and only that.
    const dropped = await run(dir, people('[partners]'), 'plan', '--format', 'json', '--detailed-exitcode');
    expect(dropped.code).toBe(2);
    const changes = (JSON.parse(dropped.stdout) as { changes: { address: string; action: string }[] }).changes;
    expect(changes.map((c) => [c.action, c.address])).toEqual([['delete', 'team_member.mobile/dana@partner.example']]);
    expect((await run(dir, people('[partners]'), 'apply', '--yes')).code).toBe(0);
    expect((await run(dir, people('[partners]'), 'plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('and a team listing the same member declare one membership, no duplicate; without either list nothing is removed', async () => {
    const dir = await tempDir();
    const both = people('[partners]', '[{ developer: dana@partner.example }, { developer: lee@partner.example }]');
    const r = await run(dir, both, 'apply', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Neither dana's teams nor partners' members given: lee's and dana's memberships are not managed.
    expect((await run(dir, people(''), 'plan', '--detailed-exitcode')).code).toBe(0);
    // Lee lists no team but partners still lists lee; dana lists none and partners no longer lists her: hers goes.
    const plan = await run(dir, people('[]', '[{ developer: lee@partner.example }]'), 'plan', '--format', 'json');
    const changes = (JSON.parse(plan.stdout) as { changes: { address: string; action: string }[] }).changes;
    expect(changes.map((c) => [c.action, c.address])).toEqual([['delete', 'team_member.partners/dana@partner.example']]);
  });

  it('name teams that must exist (declared or live), checked at the item; they may not come from the environment', async () => {
    const dir = await tempDir();
    const unknown = await run(dir, people('[partnres]'), 'validate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/people\.yaml:5:\d+: unknown team "partnres" \(did you mean "partners"\?\)\n/);
    const fromEnv = await run(dir, people(`['\${{ env "TEAM" }}']`), 'validate');
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toMatch(/people\.yaml:5:\d+: teams\[0\]: \$\{\{ env \}\} is not allowed in names and references/);
  });
});
