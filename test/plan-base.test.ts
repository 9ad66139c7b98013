import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, spawnCli, STACK_TRACE, tempDir } from './helpers/cli.js';
import { gitRepo, type Author } from './helpers/git-repo.js';
import { loadDesired, WORK_TREE } from '../src/config/load.js';
import { formatProblem } from '../src/diagnostics/problems.js';
import { configAtRef } from '../src/git/config-at-ref.js';
import { Repository } from '../src/git/repository.js';

const ALICE: Author = { name: 'Alice Adams', email: 'alice@example.com', date: '2026-01-05T09:30:00+01:00' };
const BOB: Author = { name: 'Bob Brown', email: 'bob@example.com', date: '2026-02-10T16:45:00-05:00' };

const PORTAL = (description: string, team: string) => `namespace: team
auth_strategies:
  - name: key-auth
    type: key_auth
    key_names: [apikey]
products:
  - name: billing
    description: ${description}
    labels: { team: ${team} }
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
`;

const MOBILE = (description: string) => `  - reference_id: mobile-banking
    name: Mobile Banking
    description: ${description}
    registrations:
      - { product: billing, version: v1 }
`;
const LEGACY = `  - reference_id: legacy-app
    name: Legacy
`;
const PARTNER = `  - reference_id: partner-app
    name: Partner App
    registrations:
      - { product: billing, version: v1 }
`;
const ROGUE = `  - reference_id: rogue
    name: Made by hand
`;

/**
 * Two commits: the first declares billing, mobile-banking and legacy-app and is applied; then the
 * portal is changed by hand (mobile-banking's description, billing's label, a new application
 * rogue); the second commit changes billing's description, removes legacy-app and adds partner-app.
 */
async function twoCommits() {
  const repo = await gitRepo();
  const state = join(await tempDir(), 'state.json');
  const first = await repo.commit('first', ALICE, {
    'config/portal.yaml': PORTAL('Invoices and payments', 'payments'),
    'config/apps.yaml': `applications:\n${MOBILE('The mobile banking app')}${LEGACY}`,
  });
  const applied = await cli(['apply', join(repo.dir, 'config'), '--yes', '--state', state]);
  expect(applied.stderr).toBe('');
  // By hand, outside git: a config that is not in the repository.
  const byHand = join(await tempDir(), 'by-hand.yaml');
  await writeFile(byHand, `${PORTAL('Invoices and payments', 'ops')}applications:\n${MOBILE('Changed by hand')}${LEGACY}${ROGUE}`);
  expect((await cli(['apply', byHand, '--yes', '--state', state])).code).toBe(0);
  const second = await repo.commit('second', BOB, {
    'config/portal.yaml': PORTAL('Invoices, payments and refunds', 'payments'),
    'config/apps.yaml': `applications:\n${MOBILE('The mobile banking app')}${PARTNER}`,
  });
  const plan = (...extra: string[]) => cli(['plan', join(repo.dir, 'config'), '--state', state, ...extra]);
  return { repo, state, first, second, plan };
}


/** The change lines of a text plan (`creating application x`), by group when the plan has two. */
function textGroups(out: string): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  let group = 'all';
  for (const line of out.split('\n')) {
    if (/^(This change|Drift) /.test(line)) group = line.startsWith('Drift') ? 'drift' : 'change';
    const m = /^\s*((?:creat|updat|replac|delet)ing \S+ \S+)/.exec(line);
    if (m) (groups[group] ??= []).push(m[1]!);
  }
  return groups;
}

const INTRODUCED = ['updating product billing', 'creating application partner-app', 'creating registration partner-app/billing/v1', 'deleting application legacy-app'];
const DRIFT = ['updating application mobile-banking', 'deleting application rogue'];

describe('plan --base REF: this change apart from drift', () => {
  it('in a repo with two commits, --base HEAD~1 lists exactly the second commit\'s changes as introduced and the changes by hand as drift (text, JSON, markdown)', async () => {
    const { plan, first, repo } = await twoCommits();
    const before = await repo.snapshot();

    const text = await plan('--base', 'HEAD~1');
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(textGroups(text.stdout)).toEqual({ change: INTRODUCED, drift: DRIFT });
    expect(text.stdout).toContain('This change (vs HEAD~1): 2 to create, 1 to update, 1 to delete\n');
    expect(text.stdout).toContain('Drift (the portal differs from HEAD~1): 0 to create, 1 to update, 1 to delete\n');
    // In the introduced update of billing, its label drifted and its description is the change.
    expect(text.stdout).toContain('    description: "Invoices and payments" → "Invoices, payments and refunds"\n    labels.team: "ops" → "payments" (drift)\n');
    // Every change names where it is declared; the delete, where HEAD~1 declared it.
    expect(text.stdout).toContain(`  creating application partner-app\n    declared at ${join(repo.dir, 'config', 'apps.yaml')}:7\n`);
    expect(text.stdout).toContain(`  deleting application legacy-app\n    declared at ${join(repo.dir, 'config', 'apps.yaml')}:7 in HEAD~1\n`);
    // The apply above ran in the repository: its commit is what the portal last had applied.
    expect(text.stdout).toMatch(/Summary:\n  Created: 2\n  Updated: 2\n  Deleted: 2\nlast applied: [0-9a-f]{12} at [0-9TZ:-]+\n$/);

    const json = JSON.parse((await plan('--base', 'HEAD~1', '--format', 'json')).stdout);
    expect(json.base).toEqual({
      ref: 'HEAD~1',
      commit: first,
      errors: 0,
      change: { create: 2, update: 1, replace: 0, delete: 1 },
      drift: { create: 0, update: 1, replace: 0, delete: 1 },
    });
    const byOrigin = (origin: string) => json.changes.filter((c: { origin: string }) => c.origin === origin).map((c: { address: string }) => c.address);
    expect(byOrigin('change')).toEqual(['product.billing', 'application.partner-app', 'registration.partner-app/billing/v1', 'application.legacy-app']);
    expect(byOrigin('drift')).toEqual(['application.mobile-banking', 'application.rogue']);
    const billing = json.changes.find((c: { address: string }) => c.address === 'product.billing');
    expect(billing.diff).toEqual([
      { path: 'description', before: 'Invoices and payments', after: 'Invoices, payments and refunds' },
      { path: 'labels.team', before: 'ops', after: 'payments', drift: true },
    ]);
    const legacy = json.changes.find((c: { address: string }) => c.address === 'application.legacy-app');
    expect(legacy.source).toEqual({ file: join(repo.dir, 'config', 'apps.yaml'), line: 7, ref: 'HEAD~1' });
    expect(json.changes.find((c: { address: string }) => c.address === 'application.rogue').source).toBeUndefined();

    const md = (await plan('--base', 'HEAD~1', '--format', 'markdown')).stdout;
    const changeSection = md.slice(md.indexOf('### This change (vs **HEAD\\~1**): 2 to create, 1 to update, 1 to delete'), md.indexOf('### ⚠️ Drift'));
    const driftSection = md.slice(md.indexOf('### ⚠️ Drift: the portal differs from **HEAD\\~1** (changed outside git): 0 to create, 1 to update, 1 to delete'), md.indexOf('<details>'));
    const rows = (section: string) => [...section.matchAll(/^\| \S+ \| (\w+) \| (\S+) \|/gm)].map((m) => `${m[1]} ${m[2]!.replace(/\\/g, '')}`);
    expect(rows(changeSection)).toEqual(['update billing', 'create partner-app', 'delete legacy-app', 'create partner-app/billing/v1']);
    expect(rows(driftSection)).toEqual(['update mobile-banking', 'delete rogue']);
    expect(md).toContain('> - **deleted** application **legacy-app**\n> - **deleted** application **rogue** *(drift)*');
    expect(md).toContain('<details><summary>drift: update application mobile-banking</summary>');
    expect(md).toContain('| labels.team *(drift)* | "ops" | "payments" |');
    expect(md).toContain(`Declared at ${join(repo.dir, 'config', 'apps.yaml')}:7 in HEAD\\~1`);

    // Read from git's objects only: the work tree, the index and HEAD are as they were.
    expect(await repo.snapshot()).toEqual(before);
  });

  it('--blame names the commit, author and date of each declaring line: at the base for a delete, "not committed yet" for lines the work tree changed', async () => {
    const { plan, first, second, repo } = await twoCommits();
    // Not committed: an application added to a tracked file, and a new file git does not track.
    const apps = join(repo.dir, 'config', 'apps.yaml');
    await writeFile(apps, (await readFile(apps, 'utf8')) + '  - reference_id: draft-app\n    name: Draft\n');
    await repo.write('config/new.yaml', 'applications:\n  - reference_id: untracked-app\n    name: Untracked\n');
    // A staged change too, to see that the index is left as it is.
    await repo.write('notes.txt', 'staged\n');
    await repo.git(['add', 'notes.txt']);
    const before = await repo.snapshot();

    const json = JSON.parse((await plan('--base', 'HEAD~1', '--blame', '--format', 'json')).stdout);
    const source = (address: string) => json.changes.find((c: { address: string }) => c.address === address)?.source;
    const alice = { commit: first, author: 'Alice Adams', author_email: 'alice@example.com', date: '2026-01-05T09:30:00+01:00' };
    const bob = { commit: second, author: 'Bob Brown', author_email: 'bob@example.com', date: '2026-02-10T16:45:00-05:00' };
    expect(source('application.partner-app')).toEqual({ file: apps, line: 7, blame: bob });
    expect(source('registration.partner-app/billing/v1')).toEqual({ file: apps, line: 10, blame: bob });
    // The delete is blamed at the base: who declared what this change removes.
    expect(source('application.legacy-app')).toEqual({ file: apps, line: 7, ref: 'HEAD~1', blame: alice });
    expect(source('application.draft-app')).toEqual({ file: apps, line: 11, blame: { commit: null } });
    expect(source('application.untracked-app')).toEqual({ file: join(repo.dir, 'config', 'new.yaml'), line: 2, blame: { commit: null } });

    const text = (await plan('--base', 'HEAD~1', '--blame')).stdout;
    expect(text).toContain(`declared at ${apps}:7 (${second.slice(0, 7)} Bob Brown, 2026-02-10)`);
    expect(text).toContain(`declared at ${apps}:7 in HEAD~1 (${first.slice(0, 7)} Alice Adams, 2026-01-05)`);
    expect(text).toContain(`declared at ${apps}:11 (not committed yet)`);
    const md = (await plan('--blame', '--format', 'markdown')).stdout;
    expect(md).toContain(`Declared at ${apps}:7 (${second.slice(0, 7)} Bob Brown, 2026-02-10)`);

    expect(await repo.snapshot()).toEqual(before);
  });

  it('a config at the base that does not load is one warning, and every change is shown as introduced', async () => {
    const repo = await gitRepo();
    const state = join(await tempDir(), 'state.json');
    await repo.commit('broken', ALICE, { 'config/portal.yaml': PORTAL('Invoices', 'payments').replace('key_names: [apikey]', 'key_names: [apikey') });
    await repo.commit('fixed', BOB, { 'config/portal.yaml': PORTAL('Invoices', 'payments') });
    const r = await cli(['plan', join(repo.dir, 'config'), '--state', state, '--base', 'HEAD~1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: the config at HEAD~1 has 1 error; every change is shown as introduced\n');
    const json = JSON.parse(r.stdout);
    expect(json.base).toMatchObject({ ref: 'HEAD~1', errors: 1, drift: { create: 0, update: 0, replace: 0, delete: 0 } });
    expect(json.changes.map((c: { origin: string }) => c.origin)).toEqual(['change', 'change', 'change']);
  });

  it('paths that do not exist at the base: the base is empty, every create is introduced; a live object the base does not manage is not drift', async () => {
    const repo = await gitRepo();
    const state = join(await tempDir(), 'state.json');
    await repo.commit('readme', ALICE, { 'README.md': 'portal config\n' });
    await repo.commit('config', BOB, { 'config/portal.yaml': PORTAL('Invoices', 'payments') });
    const r = await cli(['plan', join(repo.dir, 'config'), '--state', state, '--base', 'HEAD~1']);
    expect(r.stderr).toBe('');
    expect(textGroups(r.stdout)).toEqual({ change: ['creating auth_strategy key-auth', 'creating product billing', 'creating product_version billing/v1'] });
    expect(r.stdout).toContain('Drift (the portal differs from HEAD~1): no changes\n');
  });

  it('a create is drift when the base declares the object as it is (it vanished from the portal)', async () => {
    const repo = await gitRepo();
    const state = join(await tempDir(), 'state.json');
    await repo.commit('one', ALICE, { 'config/portal.yaml': PORTAL('Invoices', 'payments'), 'config/apps.yaml': `applications:\n${LEGACY}` });
    await repo.commit('two', BOB, { 'config/apps.yaml': `applications:\n${LEGACY}${ROGUE}` });
    const r = await cli(['plan', join(repo.dir, 'config'), '--state', state, '--base', 'HEAD~1', '--format', 'json']);
    const json = JSON.parse(r.stdout);
    const origins = Object.fromEntries(json.changes.map((c: { address: string; origin: string }) => [c.address, c.origin]));
    expect(origins).toEqual({
      'auth_strategy.key-auth': 'drift',
      'product.billing': 'drift',
      'product_version.billing/v1': 'drift',
      'application.legacy-app': 'drift',
      'application.rogue': 'change',
    });
  });

  it('reads the base by the work tree\'s file rules: hidden entries, node_modules and other files skipped, same names, same order', async () => {
    const repo = await gitRepo();
    await repo.commit('one', ALICE, {
      // A directory `a` and a file `a.yaml`: the walk reads a/ first (git lists a.yaml first).
      'config/a.yaml': 'applications:\n  - reference_id: dup\n    name: From a.yaml\n',
      'config/a/b.yml': `${PORTAL('Invoices', 'payments')}applications:\n  - reference_id: dup\n    name: From a/b.yml\n`,
      'config/.hidden/x.yaml': 'not: [valid',
      'config/node_modules/x.yaml': 'not: [valid',
      'config/notes.txt': 'not: [valid',
      'config/c*d.json': '{"applications": []}',
      'config/sub/Z.YAML': 'products: []\n',
    });
    const repository = await Repository.open([repo.dir], '--base');
    const commit = await repository.commitOf('HEAD', '--base');
    // A directory, and a file named explicitly (read whatever its name).
    const paths = [join(repo.dir, 'config'), join(repo.dir, 'config', 'notes.txt')];
    const workTree = await loadDesired(paths);
    const atRef = await loadDesired(paths, { source: configAtRef(repository, commit, 'HEAD') });
    const files = await WORK_TREE.find(paths);
    expect((await configAtRef(repository, commit, 'HEAD').find(paths)).files).toEqual(files.files);
    expect(files.files.map((f) => f.slice(repo.dir.length + 1))).toEqual(['config/a/b.yml', 'config/a.yaml', 'config/c*d.json', 'config/sub/Z.YAML', 'config/notes.txt']);
    expect(atRef.problems.map(formatProblem)).toEqual(workTree.problems.map(formatProblem));
    expect(workTree.problems.map(formatProblem).join('\n')).toContain('duplicate application "dup": already declared at');
  });

  it('names base files as the command line does: a relative PATH gives relative names', async () => {
    const { repo, state } = await twoCommits();
    const r = await spawnCli(['plan', 'config', '--state', state, '--base', 'HEAD~1', '--blame'], { cwd: repo.dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ {4}declared at config\/apps\.yaml:7 in HEAD~1 \([0-9a-f]{7} Alice Adams, 2026-01-05\)$/m);
    expect(r.stdout).toMatch(/^ {4}declared at config\/apps\.yaml:7 \([0-9a-f]{7} Bob Brown, 2026-02-10\)$/m);
  });
});

describe('plan --base and --blame: what they refuse', () => {
  it('a REF that is not a commit: one line, exit 1, before the portal is read', async () => {
    const { plan, repo } = await twoCommits();
    for (const ref of ['no-such-branch', 'HEAD~9', 'HEAD:config', '--help']) {
      const r = await plan('--base', ref, '--backend', 'konnect', '--konnect-url', 'http://127.0.0.1:9');
      expect(r.stderr).toBe(`error: --base ${ref}: not a commit in ${repo.dir}\n`);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    }
  });

  it('paths outside a git work tree: one line, exit 1, for --base and for --blame', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'portal.yaml'), PORTAL('Invoices', 'payments'));
    const state = join(dir, 'state.json');
    for (const option of [['--base', 'main'], ['--blame']]) {
      const r = await cli(['plan', join(dir, 'portal.yaml'), '--state', state, ...option]);
      expect(r.stderr).toBe(`error: ${join(dir, 'portal.yaml')}: not in a git work tree (${option[0]} reads the config's history from git)\n`);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    // Without them, the same config plans as ever.
    expect((await cli(['plan', join(dir, 'portal.yaml'), '--state', state])).code).toBe(0);
  });

  it('git not on PATH: one line, exit 1', async () => {
    const { repo, state } = await twoCommits();
    const r = await spawnCli(['plan', 'config', '--state', state, '--base', 'HEAD~1'], { cwd: repo.dir, env: { PATH: await tempDir() } });
    expect(r.stderr).toBe('error: git is not installed or not on PATH (needed by --base and --blame)\n');
    expect(r.code).toBe(1);
  });
});

describe('plan --base: the plan file', () => {
  it('a plan saved with --base and --blame applies with apply --plan, change and drift alike', async () => {
    const { plan, state } = await twoCommits();
    const out = join(await tempDir(), 'plan.json');
    const saved = await plan('--base', 'HEAD~1', '--blame', '--out', out);
    expect(saved.code).toBe(0);
    const applied = await cli(['apply', '--plan', out, '--yes', '--state', state]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const again = await plan('--base', 'HEAD~1', '--format', 'json');
    expect(JSON.parse(again.stdout).changes).toEqual([]);
  });

  it('without --base the plan has no origin and no groups, and still names where each change is declared', async () => {
    const { plan, repo } = await twoCommits();
    const text = await plan();
    expect(text.stdout).not.toMatch(/This change|Drift/);
    expect(textGroups(text.stdout)).toEqual({ all: [...INTRODUCED.slice(0, 1), DRIFT[0], ...INTRODUCED.slice(1, 3), 'deleting application legacy-app', 'deleting application rogue'] });
    expect(text.stdout).toContain(`creating application partner-app\n  declared at ${join(repo.dir, 'config', 'apps.yaml')}:7\n`);
    const json = JSON.parse((await plan('--format', 'json')).stdout);
    expect(json.base).toBeUndefined();
    expect(json.changes.every((c: Record<string, unknown>) => c.origin === undefined && !((c.diff ?? []) as { drift?: boolean }[]).some((d) => 'drift' in d))).toBe(true);
  });
});
