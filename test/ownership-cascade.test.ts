import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { cli, tempDir } from './helpers/cli.js';

/** Team A's portal: a strategy, product billing with v1 and v2, and its own application registered to both. */
const TEAM_A = `namespace: team-a
auth_strategies:
  - { name: keys, type: key_auth }
products:
  - name: billing
    versions:
      - { name: v1, registration: { enabled: true, auth_strategy: keys, auto_approve: true } }
      - { name: v2, registration: { enabled: true, auth_strategy: keys, auto_approve: true } }
applications:
  - reference_id: payments-app
    name: Payments
    registrations:
      - { product: billing, version: v1 }
      - { product: billing, version: v2 }
    credentials:
      - { name: ci }
`;

/** One shared state file and a folder per team's config. */
async function portal() {
  const dir = await tempDir();
  const state = join(dir, 'state.json');
  const creds = join(dir, 'creds.json');
  const config = async (name: string, text: string) => {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'portal.yaml'), text);
    return folder;
  };
  const run = (command: 'plan' | 'apply', folder: string, ...extra: string[]) =>
    cli(command === 'apply' ? ['apply', folder, '--yes', '--state', state, '--credentials-out', creds, ...extra] : ['plan', folder, '--state', state, ...extra]);
  const live = () => new LocalBackend(state).read();
  const a = await config('team-a', TEAM_A);
  const first = await run('apply', a);
  expect(first.code, first.stderr).toBe(0);
  return { dir, state, creds, config, run, live, a };
}

const changeLines = (out: string) => out.split('\n').filter((l) => /^(creating|updating|replacing|deleting|created|updated|replaced|deleted) /.test(l));

describe('nothing is created, updated or deleted under a parent the namespace neither owns nor adopts', () => {
  it("another namespace's application gets no credential, registration or edit from team B; the plan says so once", async () => {
    const p = await portal();
    const b = await p.config(
      'team-b',
      `namespace: team-b
applications:
  - reference_id: payments-app
    name: Stolen
    registrations: []
    credentials:
      - { name: stolen }
`,
    );
    const plan = await p.run('plan', b);
    expect(plan.code).toBe(0);
    expect(changeLines(plan.stdout)).toEqual([]);
    const notes = plan.stdout.split('\n').filter((l) => l.startsWith('note:'));
    expect(notes).toEqual([
      'note: application.payments-app is owned by namespace "team-a": left alone, and so is the object declared under it (1 credential)',
    ]);
    const applied = await p.run('apply', b);
    expect(applied.code).toBe(0);
    const live = await p.live();
    expect(live.has('credential.payments-app/stolen')).toBe(false);
    expect(live.has('registration.payments-app/billing/v1')).toBe(true); // `registrations: []` deleted nothing of team A's
    expect(live.getOf('application', 'payments-app')?.attrs.name).toBe('Payments');
  });

  it("a new version under another namespace's product is not created", async () => {
    const p = await portal();
    const b = await p.config(
      'team-b',
      `namespace: team-b
products:
  - name: billing
    versions:
      - { name: v3 }
`,
    );
    const plan = await p.run('plan', b);
    expect(changeLines(plan.stdout)).toEqual([]);
    expect(plan.stdout).toContain('note: product.billing is owned by namespace "team-a": left alone, and so is the object declared under it (1 product version)');
    await p.run('apply', b);
    expect((await p.live()).has('product_version.billing/v3')).toBe(false);
  });

  it('children of an unlabelled parent are not created without --adopt, and are with it', async () => {
    const p = await portal();
    const data = JSON.parse(await readFile(p.state, 'utf8'));
    for (const app of Object.values(data.applications) as { labels: Record<string, string> }[]) delete app.labels['portalctl-namespace'];
    await writeFile(p.state, JSON.stringify(data));
    await p.config('team-a', TEAM_A.replace('      - { name: ci }\n', '      - { name: ci }\n      - { name: extra }\n'));
    const plan = await p.run('plan', p.a);
    expect(changeLines(plan.stdout)).toEqual([]);
    expect(plan.stdout).toContain(
      'note: application.payments-app exists without an owner label: left alone (--adopt takes it over), and so are the 4 objects declared under it (2 registrations, 2 credentials)',
    );
    const adopted = await p.run('plan', p.a, '--adopt');
    expect(changeLines(adopted.stdout)).toEqual(['updating application payments-app (adopting an unlabelled object)', 'creating credential payments-app/extra']);
  });
});

describe('a delete lists what it takes with it, and never takes what the plan keeps', () => {
  it('a version deleted in a run without applications names and counts the registrations it takes', async () => {
    const p = await portal();
    const products = await p.config(
      'products-only',
      `namespace: team-a
products:
  - name: billing
    versions:
      - { name: v2, registration: { enabled: true, auth_strategy: keys, auto_approve: true } }
`,
    );
    const plan = await p.run('plan', products);
    expect(plan.stdout).toBe(
      [
        'deleting product_version billing/v1 (and 1 registration with it)',
        '  with registration payments-app/billing/v1',
        'Summary:',
        '  Created: 0',
        '  Updated: 0',
        '  Deleted: 2',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await p.run('plan', products, '--format', 'json')).stdout);
    expect(json.changes).toEqual([expect.objectContaining({ action: 'delete', address: 'product_version.billing/v1', cascade: ['registration.payments-app/billing/v1'] })]);
    expect(json.summary.delete).toBe(2);

    const refused = await p.run('apply', products, '--max-deletes', '1');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('error: the plan deletes 2 objects, more than --max-deletes 1: nothing applied\n');
    expect((await p.live()).has('product_version.billing/v1')).toBe(true);

    const applied = await p.run('apply', products, '--max-deletes', '2');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('  Deleted: 2');
    expect((await p.live()).has('registration.payments-app/billing/v1')).toBe(false);
  });

  it('a version whose delete would take a protected registration is kept, with a note', async () => {
    const p = await portal();
    await p.config('team-a', TEAM_A.replace('      - { product: billing, version: v1 }', '      - { product: billing, version: v1, protected: true }'));
    expect((await p.run('apply', p.a)).code).toBe(0);
    const products = await p.config('products-only', 'namespace: team-a\nproducts:\n  - name: billing\n    versions: []\n');
    const plan = await p.run('plan', products);
    expect(changeLines(plan.stdout)).toEqual(['deleting product_version billing/v2 (and 1 registration with it)']);
    expect(plan.stdout).toContain(
      'note: product_version.billing/v1 is not in the config, but deleting it would also delete registration.payments-app/billing/v1, which is protected: kept',
    );
    expect((await p.run('apply', products)).code).toBe(0);
    const live = await p.live();
    expect(live.has('registration.payments-app/billing/v1')).toBe(true);
    expect(live.has('product_version.billing/v1')).toBe(true);
  });

  it("a product whose delete would take another namespace's registration is kept, and so are its versions", async () => {
    const p = await portal();
    const b = await p.config(
      'team-b',
      `namespace: team-b
applications:
  - reference_id: consumer
    name: Consumer
    registrations:
      - { product: billing, version: v2 }
`,
    );
    expect((await p.run('apply', b)).code).toBe(0);
    const emptied = await p.config('emptied', 'namespace: team-a\nproducts: []\napplications: []\n');
    const plan = await p.run('plan', emptied);
    expect(changeLines(plan.stdout)).toEqual([
      'deleting credential payments-app/ci',
      'deleting registration payments-app/billing/v1',
      'deleting registration payments-app/billing/v2',
      'deleting application payments-app',
      'deleting product_version billing/v1',
    ]);
    expect(plan.stdout).toContain('note: product_version.billing/v2 is not in the config, but deleting it would also delete registration.consumer/billing/v2, which is owned by namespace "team-b": kept');
    expect(plan.stdout).toContain('note: product.billing is not in the config, but deleting it would also delete registration.consumer/billing/v2, which is owned by namespace "team-b": kept');
    expect((await p.run('apply', emptied)).code).toBe(0);
    const live = await p.live();
    expect(live.getOf('registration', 'consumer/billing/v2')?.attrs.status).toBe('approved');
    expect((await p.run('plan', emptied, '--detailed-exitcode')).code).toBe(0);
  });
});

describe('references to live objects the run does not declare', () => {
  it("resolve to another namespace's version whether or not the run has a products section of its own", async () => {
    const p = await portal();
    const app = `  - reference_id: consumer
    name: Consumer
    registrations:
      - { product: billing, version: v1 }
`;
    const without = await p.config('without', `namespace: team-b\napplications:\n${app}`);
    const withProducts = await p.config('with', `namespace: team-b\nproducts:\n  - name: own-product\napplications:\n${app}`);
    for (const folder of [without, withProducts]) {
      const r = await p.run('plan', folder);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('creating registration consumer/billing/v1');
    }
  });

  it('a reference to an own version the run deletes says so, and never suggests the same name', async () => {
    const p = await portal();
    await p.config('team-a', TEAM_A.replace('      - { name: v1, registration: { enabled: true, auth_strategy: keys, auto_approve: true } }\n', ''));
    const r = await p.run('plan', p.a);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('product version "billing/v1" is not declared here, and this run deletes it (namespace "team-a" owns it)');
    expect(r.stderr).not.toContain('did you mean');
  });
});

describe('fields that cannot change in place plan a replace', () => {
  const SSO = '  - { name: keys, type: openid_connect, issuer: "https://idp.example.com/" }';

  it("changing an unused strategy's type replaces it, counts as a delete, and converges", async () => {
    const p = await portal();
    const strategies = await p.config('strategies', 'namespace: team-s\nauth_strategies:\n  - { name: spare, type: key_auth }\n');
    expect((await p.run('apply', strategies)).code).toBe(0);
    await p.config('strategies', 'namespace: team-s\nauth_strategies:\n  - { name: spare, type: openid_connect, issuer: "https://idp.example.com/" }\n');
    const plan = await p.run('plan', strategies);
    expect(plan.stdout.split('\n')[0]).toBe('replacing auth_strategy spare (type cannot change)');
    expect(plan.stdout).toContain('  type: "key_auth" → "openid_connect"');
    expect(plan.stdout).toContain('  Replaced: 1');
    const json = JSON.parse((await p.run('plan', strategies, '--format', 'json')).stdout);
    expect(json.changes[0]).toMatchObject({ action: 'replace', address: 'auth_strategy.spare', replaced_by: ['type'] });

    const refused = await p.run('apply', strategies, '--max-deletes', '0');
    expect(refused.code).toBe(3);
    const applied = await p.run('apply', strategies);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('replaced auth_strategy spare');
    expect((await p.live()).getOf('auth_strategy', 'spare')?.attrs.type).toBe('openid_connect');
    expect((await p.run('plan', strategies, '--detailed-exitcode')).code).toBe(0);
  });

  it('a replace is refused (exit 3) while versions and applications use the strategy', async () => {
    const p = await portal();
    const strategies = await p.config('strategies', `namespace: team-a\nauth_strategies:\n${SSO}\n`);
    const r = await p.run('plan', strategies);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^error: .*portal\.yaml:3:\d+: auth_strategy\.keys: type cannot change in place, and replacing it is refused while product_version\.billing\/v1, product_version\.billing\/v2 .*use it; declare a new auth strategy under another name and move them to it\n$/,
    );
  });
});

describe('an absent child list is not managed; [] means none', () => {
  it('a product without versions: leaves its versions alone; versions: [] deletes them', async () => {
    const p = await portal();
    const absent = await p.config('absent', 'namespace: team-a\nproducts:\n  - name: billing\n');
    expect((await p.run('plan', absent, '--detailed-exitcode')).code).toBe(0);
    const empty = await p.config('empty', 'namespace: team-a\nproducts:\n  - name: billing\n    versions: []\n');
    expect(changeLines((await p.run('plan', empty)).stdout)).toEqual([
      'deleting product_version billing/v1 (and 1 registration with it)',
      'deleting product_version billing/v2 (and 1 registration with it)',
    ]);
  });

  it('an application without registrations: or credentials: leaves those alone', async () => {
    const p = await portal();
    const absent = await p.config('absent', 'namespace: team-a\napplications:\n  - { reference_id: payments-app, name: Payments }\n');
    expect((await p.run('plan', absent, '--detailed-exitcode')).code).toBe(0);
    const empty = await p.config('empty', 'namespace: team-a\napplications:\n  - { reference_id: payments-app, name: Payments, credentials: [] }\n');
    expect(changeLines((await p.run('plan', empty)).stdout)).toEqual(['deleting credential payments-app/ci']);
  });
});
