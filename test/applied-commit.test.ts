import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { findCheckout } from '../src/git/checkout.js';
import { cli, tempDir } from './helpers/cli.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { workspace } from './helpers/workspace.js';

/** The applied-commit records of a local state file, by namespace. */
async function records(state: string): Promise<Record<string, { commit: string; dirty: boolean; at: string }> | undefined> {
  return (JSON.parse(await readFile(state, 'utf8')) as { applied_commits?: Record<string, { commit: string; dirty: boolean; at: string }> }).applied_commits;
}

/** The quickstart example in a git repository of its own (the config folder), one commit. */
async function checkout() {
  const ws = await workspace('quickstart');
  const commit = await initRepo(ws.config);
  return { ws, commit };
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('the commit applied, from a git checkout (local backend)', () => {
  it('a complete apply records the commit for the namespace; plan JSON, text and markdown plans and dump show it', async () => {
    const { ws, commit } = await checkout();
    const before = JSON.parse((await ws.run('plan', '--format', 'json')).stdout);
    expect(before.source_commit).toEqual({ commit, dirty: false });
    expect(before.applied).toBeUndefined();

    const applied = await ws.apply();
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`recorded commit ${commit.slice(0, 12)} as applied to namespace "quickstart"\n`);
    const record = (await records(ws.state))?.quickstart;
    expect(record).toEqual({ commit, dirty: false, at: expect.stringMatching(TIME) });

    const plan = JSON.parse((await ws.run('plan', '--format', 'json')).stdout);
    expect(plan.source_commit).toEqual({ commit, dirty: false });
    expect(plan.applied).toEqual(record);
    expect((await ws.run('plan')).stdout).toContain(`last applied: ${commit.slice(0, 12)} at ${record!.at}\n`);
    expect((await ws.run('plan', '--format', 'markdown')).stdout).toContain(
      ` Made from commit \`${commit.slice(0, 12)}\`. Last applied: \`${commit.slice(0, 12)} at ${record!.at}\`.\n`,
    );

    const dump = await cli(['dump', '--state', ws.state]);
    expect(dump.code).toBe(0);
    expect(dump.stdout.split('\n').slice(0, 2)).toEqual([
      '# yaml-language-server: $schema=https://portalctl.dev/schemas/portalctl.schema.json',
      `# last applied from commit ${commit} at ${record!.at} (namespace "quickstart")`,
    ]);
    const json = await cli(['dump', '--state', ws.state, '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it('a new commit with nothing to change is recorded too (the portal matches it); the same commit again keeps its first time', async () => {
    const { ws, commit } = await checkout();
    expect((await ws.apply()).code).toBe(0);
    const first = (await records(ws.state))!.quickstart!;
    const state = await readFile(ws.state, 'utf8');
    const again = await ws.apply();
    expect(again.code).toBe(0);
    expect(await readFile(ws.state, 'utf8')).toBe(state);

    await writeFile(join(ws.config, 'README.md'), 'notes\n');
    const second = await commitAll(ws.config, 'notes');
    const noChange = await ws.apply();
    expect(noChange.stdout).toContain('No changes.');
    expect(noChange.stdout).toContain(`recorded commit ${second.slice(0, 12)}`);
    expect((await records(ws.state))!.quickstart).toEqual({ commit: second, dirty: false, at: expect.stringMatching(TIME) });
    expect(first.commit).toBe(commit);
  });

  it('a changed or untracked config file marks the checkout dirty, and the record says so; other files do not', async () => {
    const { ws, commit } = await checkout();
    await writeFile(join(ws.config, 'notes.txt'), 'not config\n');
    await mkdir(join(ws.config, '.cache'));
    await writeFile(join(ws.config, '.cache', 'skipped.yaml'), 'a: 1\n');
    expect(JSON.parse((await ws.run('plan', '--format', 'json')).stdout).source_commit).toEqual({ commit, dirty: false });

    await writeFile(join(ws.config, 'extra.yaml'), 'namespace: quickstart\n');
    expect(JSON.parse((await ws.run('plan', '--format', 'json')).stdout).source_commit).toEqual({ commit, dirty: true });
    await commitAll(ws.config, 'extra');
    const head = await git(ws.config, 'rev-parse', 'HEAD');

    await ws.edit('portal.yaml', 'The mobile banking app', 'The banking app');
    const applied = await ws.apply();
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`recorded commit ${head.slice(0, 12)} (dirty) as applied`);
    expect((await records(ws.state))!.quickstart).toMatchObject({ commit: head, dirty: true });
    expect((await ws.run('plan')).stdout).toContain(`last applied: ${head.slice(0, 12)} (dirty) at `);
    expect((await cli(['dump', '--state', ws.state])).stdout).toContain(`# last applied from commit ${head} with uncommitted changes at `);
  });

  it('never touches the work tree or the index', async () => {
    const { ws } = await checkout();
    // A file touched but not changed: a plain `git status` would refresh its entry in the index.
    await utimes(join(ws.config, 'portal.yaml'), new Date(), new Date(Date.now() + 5000));
    await writeFile(join(ws.config, 'new.yaml'), 'namespace: quickstart\n');
    const index = await readFile(join(ws.config, '.git', 'index'));
    expect(await findCheckout([ws.config])).toMatchObject({ dirty: true });
    expect(await readFile(join(ws.config, '.git', 'index'))).toEqual(index);
    expect(await readdir(join(ws.config, '.git'))).not.toContain('index.lock');
  });

  it('from a plain folder, or a repository without a commit, nothing is recorded and nothing is said', async () => {
    const ws = await workspace('quickstart');
    const r = await ws.apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('recorded');
    expect(await records(ws.state)).toBeUndefined();
    const plan = JSON.parse((await ws.run('plan', '--format', 'json')).stdout);
    expect(plan.source_commit).toBeUndefined();
    expect(plan.applied).toBeUndefined();
    expect((await cli(['dump', '--state', ws.state])).stdout).not.toContain('last applied');

    await git(ws.config, 'init', '-q');
    expect(await findCheckout([ws.config])).toBeUndefined();
    expect((await ws.apply()).code).toBe(0);
    expect(await records(ws.state)).toBeUndefined();
  });

  it('config paths in two work trees name no commit', async () => {
    const { ws } = await checkout();
    const other = await tempDir();
    await writeFile(join(other, 'more.yaml'), 'namespace: quickstart\n');
    await initRepo(other);
    expect(await findCheckout([ws.config, join(other, 'more.yaml')])).toBeUndefined();
    expect(await findCheckout([ws.config, join(ws.config, 'portal.yaml')])).toMatchObject({ dirty: false });
  });

  it('an incomplete apply records nothing and says so', async () => {
    // Namespace "team-b" uses quickstart's strategy; quickstart then drops its strategies: the delete is refused (in use).
    const { ws, commit } = await checkout();
    expect((await ws.apply()).code).toBe(0);
    const teamB = await tempDir();
    await writeFile(join(teamB, 'team-b.yaml'), 'namespace: team-b\nproducts:\n  - name: ledger\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: key-auth } }]\n');
    expect((await cli(['apply', teamB, '--yes', '--state', ws.state])).code).toBe(0);

    await writeFile(join(ws.config, 'portal.yaml'), 'namespace: quickstart\nauth_strategies: []\nproducts:\n  - name: billing\n    versions: [{ name: v1, registration: { enabled: false } }]\n');
    const next = await commitAll(ws.config, 'drop the strategy');
    const r = await ws.apply();
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('recorded');
    expect(r.stderr).toBe(`apply incomplete: 2 applied, 1 failed, 0 skipped; commit ${next.slice(0, 12)} not recorded as applied; fix the cause and apply again\n`);
    expect((await records(ws.state))!.quickstart!.commit).toBe(commit);
  });

  it('apply --plan records the commit the plan was made from, not the checkout of the moment', async () => {
    const { ws, commit } = await checkout();
    const saved = join(ws.dir, 'plan.json');
    expect((await ws.run('plan', '--out', saved)).code).toBe(0);
    await ws.edit('portal.yaml', 'The mobile banking app', 'The banking app');
    const later = await commitAll(ws.config, 'later');
    expect(later).not.toBe(commit);

    const r = await cli(['apply', '--plan', saved, '--yes', '--credentials-out', ws.creds, '--state', ws.state]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await records(ws.state))!.quickstart).toMatchObject({ commit, dirty: false });
  });

  it('each namespace keeps its own record', async () => {
    const { ws, commit } = await checkout();
    const teamB = join(ws.config, 'team-b');
    await mkdir(teamB);
    await writeFile(join(teamB, 'ledger.yaml'), 'namespace: team-b\nproducts:\n  - name: ledger\n    description: Ledger\n');
    // The quickstart config is the top file only: team-b's folder is its own config.
    const quickstart = join(ws.config, 'portal.yaml');
    const first = await commitAll(ws.config, 'team b');
    expect(first).not.toBe(commit);
    expect((await cli(['apply', quickstart, '--yes', '--credentials-out', ws.creds, '--state', ws.state])).code).toBe(0);

    await writeFile(join(teamB, 'ledger.yaml'), 'namespace: team-b\nproducts:\n  - name: ledger\n    description: The ledger\n');
    const second = await commitAll(ws.config, 'team b again');
    expect((await cli(['apply', teamB, '--yes', '--state', ws.state])).code).toBe(0);

    expect(await records(ws.state)).toEqual({
      quickstart: { commit: first, dirty: false, at: expect.stringMatching(TIME) },
      'team-b': { commit: second, dirty: false, at: expect.stringMatching(TIME) },
    });
    expect(JSON.parse((await cli(['plan', quickstart, '--format', 'json', '--state', ws.state])).stdout).applied.commit).toBe(first);
    expect((await cli(['dump', '--state', ws.state, '--namespace', 'team-b'])).stdout).toContain(`# last applied from commit ${second} at `);
    expect((await cli(['dump', '--state', ws.state, '--namespace', 'quickstart'])).stdout).toContain(`# last applied from commit ${first} at `);
  });

  it('a hand-edited record that is not one is a one-line error naming it', async () => {
    const { ws } = await checkout();
    expect((await ws.apply()).code).toBe(0);
    const data = JSON.parse(await readFile(ws.state, 'utf8'));
    data.applied_commits.quickstart.commit = 'not-a-commit';
    await writeFile(ws.state, JSON.stringify(data));
    const r = await ws.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*state\.json: applied_commits\.quickstart: commit must be a commit id \(7 to 64 hexadecimal digits\), not "not-a-commit"; fix the record or restore the file\n$/);
  });
});

const TOKEN = 'kpat_applied';
const DEV = { email: 'dev@example.com', password: 'pw-applied' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

describe('the commit applied, on the konnect backend (emulator)', () => {
  it('a complete apply sets a label on the portal per namespace; plan JSON and dump read it back', async () => {
    const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
    const { ws, commit } = await checkout();
    await ws.edit('portal.yaml', 'The mobile banking app', 'The banking app');

    const applied = await cli(['apply', ws.config, ...konnect, '--yes', '--credentials-out', ws.creds], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`recorded commit ${commit.slice(0, 12)} (dirty) as applied to namespace "quickstart"`);
    const labels = emu.state.engine.get('portals', emu.portalId).labels!;
    expect(labels).toEqual({ 'portalctl-commit.quickstart': expect.stringMatching(new RegExp(`^${commit}-dirty\\.\\d{8}T\\d{6}Z$`)) });

    const plan = JSON.parse((await cli(['plan', ws.config, ...konnect, '--format', 'json'], ENV)).stdout);
    expect(plan.applied).toEqual({ commit, dirty: true, at: expect.stringMatching(TIME) });
    const dump = await cli(['dump', ...konnect, '--namespace', 'quickstart'], ENV);
    expect(dump.stdout).toContain(`# last applied from commit ${commit} with uncommitted changes at ${plan.applied.at} (namespace "quickstart")\n`);

    // Another namespace's record is a label of its own; the portal's other labels are kept.
    emu.state.engine.update('portals', emu.portalId, { labels: { ...labels, team: 'web' } });
    const teamB = join(ws.config, 'team-b.yaml');
    await writeFile(teamB, 'namespace: team-b\nauth_strategies:\n  - name: team-b-keys\n    type: key_auth\n    key_names: [apikey]\n');
    const second = await commitAll(ws.config, 'team b');
    expect((await cli(['apply', teamB, ...konnect, '--yes'], ENV)).code).toBe(0);
    expect(emu.state.engine.get('portals', emu.portalId).labels).toEqual({
      team: 'web',
      'portalctl-commit.quickstart': labels['portalctl-commit.quickstart'],
      'portalctl-commit.team-b': expect.stringMatching(new RegExp(`^${second}\\.\\d{8}T\\d{6}Z$`)),
    });
  });
});
