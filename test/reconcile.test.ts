import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, STACK_TRACE, tempDir } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

/** The change lines of a plan or apply output, without the summary. */
const changeLines = (out: string) => out.split('\n').filter((l) => /^(creating|updating|deleting|created|updated|deleted) /.test(l));

describe('apply then plan: every example converges', () => {
  for (const example of ['quickstart', 'org']) {
    it(`${example}: apply creates everything, then plan shows no changes (exit 0 with --detailed-exitcode)`, async () => {
      const ws = await workspace(example);
      const first = await ws.run('plan', '--detailed-exitcode');
      expect(first.code).toBe(2);
      const applied = await ws.apply();
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const again = await ws.run('plan', '--detailed-exitcode');
      expect(again.stdout).toMatch(/^No changes\.\nSummary:\n  Created: 0\n  Updated: 0\n  Deleted: 0\n$/);
      expect(again.code).toBe(0);
    });
  }

  it('quickstart: the registration is approved at once and one key is written to the credentials file', async () => {
    const ws = await workspace('quickstart');
    const r = await ws.apply();
    expect(r.code).toBe(0);
    expect(changeLines(r.stdout).filter((l) => l.startsWith('created'))).toEqual([
      'created auth_strategy key-auth',
      'created product billing',
      'created product_version billing/v1',
      'created application mobile-banking',
      'created registration mobile-banking/billing/v1',
      'created credential mobile-banking/ci',
    ]);
    const live = await ws.live();
    expect(live.getOf('registration', 'mobile-banking/billing/v1')?.attrs.status).toBe('approved');
    const creds = JSON.parse(await readFile(ws.creds, 'utf8'));
    expect(Object.keys(creds)).toEqual(['credential.mobile-banking/ci']);
    expect(creds['credential.mobile-banking/ci']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await stat(ws.creds)).mode & 0o777).toBe(0o600);
  });

  it('org: a version without auto-approve leaves new registrations pending; a stated status wins', async () => {
    const ws = await workspace('org');
    expect((await ws.apply()).code).toBe(0);
    const live = await ws.live();
    expect(live.getOf('registration', 'mobile-banking-staging/billing/v2')?.attrs.status).toBe('pending');
    expect(live.getOf('registration', 'mobile-banking/billing/v2')?.attrs.status).toBe('approved');
    expect(live.getOf('registration', 'legacy-reseller/accounts/v1')?.attrs.status).toBe('revoked');
  });
});

describe('editing the examples plans exactly that change', () => {
  it('renaming a description updates that product only', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', 'description: Invoices and payments', 'description: Invoices, payments and refunds');
    const r = await ws.run('plan');
    expect(r.stdout).toBe(
      `updating product billing\n  description: "Invoices and payments" → "Invoices, payments and refunds"\n  declared at ${join(ws.config, 'portal.yaml')}:14\nSummary:\n  Created: 0\n  Updated: 1\n  Deleted: 0\n`,
    );
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('turning auto-approve off updates the version only, not its registrations', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', 'auto_approve: true', 'auto_approve: false');
    const r = await ws.run('plan');
    expect(r.stdout).toBe(
      `updating product_version billing/v1\n  registration.auto_approve: true → false\n  declared at ${join(ws.config, 'portal.yaml')}:17\nSummary:\n  Created: 0\n  Updated: 1\n  Deleted: 0\n`,
    );
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.live()).getOf('registration', 'mobile-banking/billing/v1')?.attrs.status).toBe('approved');
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('dropping a registration deletes that registration only', async () => {
    const ws = await workspace('org');
    await ws.apply();
    await ws.edit('applications/mobile-team.yaml', '      - { product: payouts, version: v1 }\n', '');
    const r = await ws.run('plan');
    expect(r.stdout).toBe('deleting registration mobile-banking/payouts/v1\nSummary:\n  Created: 0\n  Updated: 0\n  Deleted: 1\n');
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.live()).has('registration.mobile-banking/payouts/v1')).toBe(false);
  });

  it('removing an application deletes it with its registrations and credentials, children first', async () => {
    const ws = await workspace('org');
    await ws.apply();
    await ws.edit('applications/mobile-team.yaml', /\n  - reference_id: mobile-banking-staging[\s\S]*$/, '\n');
    const r = await ws.run('plan');
    expect(r.stdout).toBe(
      [
        'deleting credential mobile-banking-staging/ci',
        'deleting registration mobile-banking-staging/billing/v2',
        'deleting application mobile-banking-staging',
        'Summary:',
        '  Created: 0',
        '  Updated: 0',
        '  Deleted: 3',
        '',
      ].join('\n'),
    );
    const applied = await ws.apply();
    expect(applied.code).toBe(0);
    expect((await ws.live()).has('application.mobile-banking-staging')).toBe(false);
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('plan JSON is valid against schemas/plan.schema.json and carries sources and fingerprints', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', 'auto_approve: true', 'auto_approve: false');
    const r = await ws.run('plan', '--format', 'json');
    const plan = JSON.parse(r.stdout);
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(await readFile(join(ROOT, 'schemas/plan.schema.json'), 'utf8')));
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.summary).toEqual({ create: 0, update: 1, replace: 0, delete: 0, unchanged: 5 });
    const [change] = plan.changes;
    expect(change).toMatchObject({
      action: 'update',
      kind: 'product_version',
      address: 'product_version.billing/v1',
      diff: [{ path: 'registration.auto_approve', before: true, after: false }],
      source: { file: join(ws.config, 'portal.yaml'), line: 17 },
    });
    expect(change.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('deletion scope and ownership', () => {
  it('a section that is absent deletes nothing; an empty one deletes every owned object of its kind', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), 'namespace: quickstart\nproducts: [{ name: billing, description: Invoices and payments, versions: [{ name: v1, registration: { enabled: true, auth_strategy: key-auth, auto_approve: true } }] }]\n');
    const absent = await cli(['plan', dir, '--state', ws.state]);
    expect(absent.stdout).toContain('No changes.');
    await writeFile(join(dir, 'a.yaml'), 'namespace: quickstart\napplications: []\n');
    const empty = await cli(['plan', dir, '--state', ws.state]);
    expect(changeLines(empty.stdout)).toEqual([
      'deleting credential mobile-banking/ci',
      'deleting registration mobile-banking/billing/v1',
      'deleting application mobile-banking',
    ]);
  });

  it('--max-deletes refuses a plan that deletes more, with exit 3 and nothing applied', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', /\napplications:[\s\S]*$/, '\napplications: []\n');
    const r = await ws.apply('--max-deletes', '2');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('error: the plan deletes 3 objects, more than --max-deletes 2: nothing applied\n');
    expect((await ws.live()).has('application.mobile-banking')).toBe(true);
  });

  it('protected objects are never deleted', async () => {
    const ws = await workspace('org');
    await ws.apply();
    await ws.edit('applications/partners.yaml', /\n  - reference_id: legacy-reseller[\s\S]*$/, '\n');
    const r = await ws.run('plan');
    expect(r.stdout).not.toContain('deleting application legacy-reseller');
    expect(r.stdout).toContain('note: application.legacy-reseller is not in the config but is protected: kept');
  });

  it('objects of another namespace are left alone, with a note', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    const r = await cli(['plan', ws.config, '--state', ws.state, '--namespace', 'other-team']);
    expect(r.stdout).toContain('note: auth_strategy.key-auth is owned by namespace "quickstart": left alone');
    expect(r.stdout).toContain('note: application.mobile-banking is owned by namespace "quickstart": left alone');
    expect(r.stdout).not.toMatch(/^(creating|updating|deleting) /m);
    expect(r.stdout).not.toContain('registration.mobile-banking'); // covered by its application's note
  });

  it('unlabelled objects are left alone unless --adopt, which takes them over', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    const data = JSON.parse(await readFile(ws.state, 'utf8'));
    for (const table of ['auth_strategies', 'products', 'applications']) {
      for (const record of Object.values(data[table]) as { labels: Record<string, string> }[]) delete record.labels['portalctl-namespace'];
    }
    await writeFile(ws.state, JSON.stringify(data));
    const plain = await ws.run('plan');
    expect(plain.stdout).toContain('note: application.mobile-banking exists without an owner label: left alone (--adopt takes it over)');
    const adopt = await ws.apply('--adopt');
    expect(adopt.code).toBe(0);
    expect(adopt.stdout).toContain('updating application mobile-banking (adopting an unlabelled object)');
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});

describe('apply safety', () => {
  it('refuses to create credentials without --credentials-out when not on a terminal, before changing anything', async () => {
    const ws = await workspace('quickstart');
    const r = await cli(['apply', ws.config, '--yes', '--state', ws.state]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('pass --credentials-out FILE (nothing applied)');
    await expect(stat(ws.state)).rejects.toThrow();
  });

  it('asks for --yes when not on a terminal', async () => {
    const ws = await workspace('quickstart');
    const r = await cli(['apply', ws.config, '--credentials-out', ws.creds, '--state', ws.state]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pass --yes');
  });

  it('a second apply while the lock is held exits 3 with a clear message', async () => {
    const ws = await workspace('quickstart');
    await writeFile(`${ws.state}.lock`, JSON.stringify({ pid: process.pid, since: '2026-11-24T00:00:00Z' }));
    const r = await ws.apply();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: another apply holds the lock on ${ws.state} (pid ${process.pid} since 2026-11-24T00:00:00Z); if none is running, remove ${ws.state}.lock\n`);
  });

  it('a corrupt state file is one clear error, not a stack trace', async () => {
    const ws = await workspace('quickstart');
    await writeFile(ws.state, '{ not json');
    const r = await ws.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*state\.json: the local state is not valid JSON/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('keys never reach the output, the plan or the state file; the state keeps a hash', async () => {
    const ws = await workspace('quickstart');
    const r = await ws.apply();
    const key = JSON.parse(await readFile(ws.creds, 'utf8'))['credential.mobile-banking/ci'] as string;
    const state = await readFile(ws.state, 'utf8');
    const plan = await ws.run('plan', '--format', 'json');
    for (const text of [r.stdout, r.stderr, state, plan.stdout]) expect(text).not.toContain(key);
    expect(state).toMatch(/"key_hash": "sha256:[0-9a-f]{64}"/);
  });

  it('values from the environment show as (sensitive) in plans', async () => {
    const ws = await workspace('quickstart');
    await ws.edit('portal.yaml', 'description: The mobile banking app', 'description: ${{ env "APP_DESCRIPTION" }}');
    const secret = 'very-secret-description-42';
    const r = await cli(['plan', ws.config, '--state', ws.state, '--format', 'json'], { APP_DESCRIPTION: secret });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret);
    const app = JSON.parse(r.stdout).changes.find((c: { address: string }) => c.address === 'application.mobile-banking');
    expect(app.after.description).toBe('(sensitive)');
  });
});

describe('references resolve against the live portal only for sections the files leave out', () => {
  it('a reference to a strategy that an empty section deletes is an error, not a live lookup', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', /auth_strategies:[\s\S]*?\n\nproducts:/, 'auth_strategies: []\n\nproducts:');
    const r = await ws.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('auth strategy "key-auth" is not declared here, and this run deletes it (namespace "quickstart" owns it)');
  });

  it('an applications-only config plans against products already in the portal', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    const dir = join(ws.dir, 'apps');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'a.yaml'), 'namespace: quickstart\napplications:\n  - reference_id: second\n    name: Second\n    registrations: [{ product: billing, version: v1 }]\n');
    const r = await cli(['plan', dir, '--state', ws.state]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('creating registration second/billing/v1');
    const bad = await cli(['plan', dir, '--state', join(ws.dir, 'empty-state.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown product "billing"');
  });
});

describe('files apply and plan write', () => {
  it('plan --out saves the same plan JSON it would print', async () => {
    const ws = await workspace('quickstart');
    const out = join(ws.dir, 'plan.json');
    const text = await ws.run('plan', '--out', out);
    expect(text.code).toBe(0);
    const json = await ws.run('plan', '--format', 'json');
    expect(await readFile(out, 'utf8')).toBe(json.stdout);
  });

  it('--credentials-out keeps the keys already in the file', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    await ws.edit('portal.yaml', '      - name: ci\n', '      - name: ci\n      - name: mobile\n');
    expect((await ws.apply()).code).toBe(0);
    expect(Object.keys(JSON.parse(await readFile(ws.creds, 'utf8')))).toEqual(['credential.mobile-banking/ci', 'credential.mobile-banking/mobile']);
  });

  it('a --credentials-out file that is not a credentials file stops the apply before any change', async () => {
    const ws = await workspace('quickstart');
    await writeFile(ws.creds, 'not json');
    const r = await ws.apply();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exists but is not a credentials JSON file');
    await expect(stat(ws.state)).rejects.toThrow();
    expect(await readFile(ws.creds, 'utf8')).toBe('not json');
  });
});

describe('values from the environment after apply', () => {
  it('never reach the state file, plan clean while unchanged, show as (sensitive) when changed, and dump as substitutions', async () => {
    const ws = await workspace('quickstart');
    await ws.edit('portal.yaml', 'description: The mobile banking app', 'description: ${{ env "APP_DESCRIPTION" }}');
    const secret = 'very-secret-description-42';
    const env = { APP_DESCRIPTION: secret };
    const apply = await cli(['apply', ws.config, '--yes', '--state', ws.state, '--credentials-out', ws.creds], env);
    expect(apply.code).toBe(0);
    const state = await readFile(ws.state, 'utf8');
    expect(state).not.toContain(secret);
    expect(state).toMatch(/"description": \{\s*"\$sensitive": "sha256:[0-9a-f]{16}:[0-9a-f]{64}"/);

    expect((await cli(['plan', ws.config, '--state', ws.state, '--detailed-exitcode'], env)).code).toBe(0);
    const changed = await cli(['plan', ws.config, '--state', ws.state, '--format', 'json'], { APP_DESCRIPTION: 'another secret' });
    // No value, and not the state's hash of one: a plan carries only its own fresh seal of each value (env_seals).
    const stateSeal = /"\$sensitive": "(sha256:[^"]+)"/.exec(state)![1]!;
    expect(changed.stdout).not.toMatch(/another secret|very-secret/);
    expect(changed.stdout).not.toContain(stateSeal);
    expect(Object.values(JSON.parse(changed.stdout).changes[0].env_seals)).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{16}:[0-9a-f]{64}$/)]);
    expect(JSON.parse(changed.stdout).changes).toEqual([
      expect.objectContaining({ address: 'application.mobile-banking', diff: [{ path: 'description', before: '(sensitive)', after: '(sensitive)' }] }),
    ]);

    const out = join(ws.dir, 'dumped');
    const dump = await cli(['dump', '--state', ws.state, '--out', out]);
    expect(dump.stderr).toContain('PORTALCTL_APPLICATION_MOBILE_BANKING_DESCRIPTION');
    const dumpedEnv = { PORTALCTL_APPLICATION_MOBILE_BANKING_DESCRIPTION: secret };
    expect((await cli(['plan', out, '--state', ws.state, '--detailed-exitcode'], dumpedEnv)).code).toBe(0);
  });
});
