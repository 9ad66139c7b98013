import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

const teamA = `namespace: team-a
auth_strategies: [{ name: a-keys, type: key_auth }]
products:
  - name: payments
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: a-keys, auto_approve: true } }]
applications:
  - reference_id: a-app
    name: A App
    registrations: [{ product: payments, version: v1 }]
    credentials: [{ name: ci }]
`;
const teamB = `namespace: team-b
auth_strategies: [{ name: b-keys, type: key_auth }]
products:
  - name: identity
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: b-keys, auto_approve: true } }]
applications:
  - reference_id: b-app
    name: B App
    registrations: [{ product: identity, version: v1 }]
    credentials: [{ name: ci }]
  - reference_id: b-other
    name: B Other
`;
const legacy = `namespace: legacy
applications:
  - reference_id: old-app
    name: Old App
`;

/** One portal holding team-a's objects (6), team-b's (7) and, when asked, an unlabelled application. */
async function sharedPortal(withUnlabelled = false) {
  const dir = await tempDir();
  const state = join(dir, 'state.json');
  const configs = { 'team-a': teamA, 'team-b': teamB, ...(withUnlabelled && { legacy }) };
  for (const [name, text] of Object.entries(configs)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'portal.yaml'), text);
    const r = await cli(['apply', join(dir, name), '--yes', '--state', state, '--credentials-out', join(dir, 'creds.json')]);
    expect(r.code, r.stderr).toBe(0);
  }
  if (withUnlabelled) {
    const data = JSON.parse(await readFile(state, 'utf8'));
    for (const app of Object.values(data.applications) as { reference_id: string; labels: Record<string, string> }[]) {
      if (app.reference_id === 'old-app') app.labels = {};
    }
    await writeFile(state, JSON.stringify(data));
  }
  return { dir, state };
}

const names = (config: { auth_strategies: { name: string }[]; products: { name: string }[]; applications: { reference_id: string }[] }) => [
  ...config.auth_strategies.map((s) => s.name),
  ...config.products.map((p) => p.name),
  ...config.applications.map((a) => a.reference_id),
];

describe('dump: one namespace', () => {
  it('--namespace team-a dumps only team-a objects, says what it left out, and the dump plans clean', async () => {
    const { dir, state } = await sharedPortal();
    const out = join(dir, 'dumped');
    const d = await cli(['dump', '--state', state, '--namespace', 'team-a', '--out', out]);
    expect(d.code).toBe(0);
    expect(d.stderr).toBe('note: left out 7 objects owned by other namespaces: "team-b" (7)\n');
    const json = await cli(['dump', '--state', state, '--namespace', 'team-a', '--format', 'json']);
    const config = JSON.parse(json.stdout);
    expect(config.namespace).toBe('team-a');
    expect(names(config)).toEqual(['a-keys', 'payments', 'a-app']);
    expect(config.applications[0]).toMatchObject({ registrations: [{ product: 'payments', version: 'v1' }], credentials: [{ name: 'ci' }] });
    expect((await cli(['validate', out])).code).toBe(0);
    const plan = await cli(['plan', out, '--state', state, '--namespace', 'team-a', '--detailed-exitcode']);
    expect(plan.stdout).toBe('No changes.\nSummary:\n  Created: 0\n  Updated: 0\n  Deleted: 0\n');
    expect(plan.code).toBe(0);
  });

  it('without --namespace, dumps the namespace that owns the most objects and says so', async () => {
    const { state } = await sharedPortal();
    const d = await cli(['dump', '--state', state, '--format', 'json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout).namespace).toBe('team-b');
    expect(names(JSON.parse(d.stdout))).toEqual(['b-keys', 'identity', 'b-app', 'b-other']);
    expect(d.stderr).toBe('note: dumped namespace "team-b" (it owns the most objects; --namespace picks another); left out 6 objects owned by other namespaces: "team-a" (6)\n');
  });

  it('includes unlabelled objects for adoption (and says so); --owned-only leaves them out', async () => {
    const { dir, state } = await sharedPortal(true);
    const out = join(dir, 'dumped');
    const d = await cli(['dump', '--state', state, '--namespace', 'team-a', '--out', out]);
    expect(d.stderr).toContain('note: left out 7 objects owned by other namespaces: "team-b" (7)\n');
    expect(d.stderr).toContain('note: included 1 object without an owner label: plan and apply with --adopt to take it over into namespace "team-a"');
    const plan = await cli(['plan', out, '--state', state, '--namespace', 'team-a', '--detailed-exitcode']);
    expect(plan.stdout).toContain('note: application.old-app exists without an owner label: left alone (--adopt takes it over)');
    expect(plan.code).toBe(0);
    const adopt = await cli(['plan', out, '--state', state, '--namespace', 'team-a', '--adopt']);
    expect(adopt.stdout).toContain('updating application old-app (adopting an unlabelled object)');

    const owned = await cli(['dump', '--state', state, '--namespace', 'team-a', '--owned-only', '--format', 'json']);
    expect(names(JSON.parse(owned.stdout))).toEqual(['a-keys', 'payments', 'a-app']);
    expect(owned.stderr).toContain('note: left out 1 object without an owner label (--owned-only)\n');
  });

  it('--all dumps every namespace, with a note naming the owner of each object that is not the dumped namespace', async () => {
    const { state } = await sharedPortal(true);
    const d = await cli(['dump', '--state', state, '--namespace', 'team-a', '--all', '--format', 'json']);
    expect(d.code).toBe(0);
    expect(names(JSON.parse(d.stdout)).sort()).toEqual(['a-app', 'a-keys', 'b-app', 'b-keys', 'b-other', 'identity', 'old-app', 'payments']);
    expect(d.stderr.split('\n').filter(Boolean).sort()).toEqual([
      'note: application.b-app is owned by namespace "team-b"',
      'note: application.b-other is owned by namespace "team-b"',
      'note: application.old-app has no owner label (plan and apply with --adopt to take it over)',
      'note: auth_strategy.b-keys is owned by namespace "team-b"',
      'note: product.identity is owned by namespace "team-b"',
    ]);
    const both = await cli(['dump', '--state', state, '--all', '--owned-only']);
    expect(both.stderr).toBe('error: --all and --owned-only contradict each other: choose one\n');
  });

  it('an invalid --namespace is one error line', async () => {
    const { state } = await sharedPortal();
    const d = await cli(['dump', '--state', state, '--namespace', 'Not Valid']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^error: --namespace: [^\n]+\n$/);
  });
});
