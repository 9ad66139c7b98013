import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

/** A config with one object of every kind; `edits` rewrite it between steps. */
const BASE = `namespace: kinds
auth_strategies:
  - { name: keys, type: key_auth, key_names: [apikey] }
  - { name: sso, type: openid_connect, issuer: "https://idp.example.com/" }
products:
  - name: shop
    description: Shop
    versions:
      - { name: v1, registration: { enabled: true, auth_strategy: keys, auto_approve: false } }
      - { name: v2, registration: { enabled: true, auth_strategy: keys, auto_approve: true } }
applications:
  - reference_id: app
    name: App
    registrations:
      - { product: shop, version: v1 }
      - { product: shop, version: v2 }
    credentials:
      - { name: one }
      - { name: two }
`;

async function setup() {
  const dir = await tempDir();
  const file = join(dir, 'c.yaml');
  const state = join(dir, 'state.json');
  const creds = join(dir, 'creds.json');
  const write = (text: string) => writeFile(file, text);
  const plan = async () => {
    const r = await cli(['plan', file, '--state', state]);
    expect(r.stderr).toBe('');
    return r.stdout;
  };
  const apply = async () => {
    const r = await cli(['apply', file, '--yes', '--state', state, '--credentials-out', creds]);
    expect(r.code, r.stderr).toBe(0);
    expect((await cli(['plan', file, '--state', state, '--detailed-exitcode'])).code).toBe(0);
    return r.stdout;
  };
  await write(BASE);
  return { write, plan, apply };
}

const lines = (out: string) => out.split('\n').filter((l) => /^(creating|updating|deleting) |^  \S/.test(l) && !/^  (Created|Updated|Deleted):|^  declared at /.test(l));

describe('every kind × every action, each converging', () => {
  it('creates every kind in dependency order', async () => {
    const s = await setup();
    expect(lines(await s.plan())).toEqual([
      'creating auth_strategy keys',
      'creating auth_strategy sso',
      'creating product shop',
      'creating product_version shop/v1',
      'creating product_version shop/v2',
      'creating application app',
      'creating registration app/shop/v1',
      '  access: pending approval',
      'creating registration app/shop/v2',
      '  access: approved at once by auto-approve',
      'creating credential app/one',
      'creating credential app/two',
    ]);
    await s.apply();
  });

  it('updates every kind that has fields, field by field', async () => {
    const s = await setup();
    await s.apply();
    await s.write(
      BASE.replace('key_names: [apikey]', 'key_names: [apikey, x-key]')
        .replace('description: Shop', 'description: Shop\n    labels: { team: web }')
        .replace('{ name: v1, registration', '{ name: v1, visibility: public, registration')
        .replace('name: App', 'name: The App')
        .replace('{ product: shop, version: v1 }', '{ product: shop, version: v1, status: rejected }')
        .replace('{ name: two }', '{ name: two, protected: true }'),
    );
    expect(lines(await s.plan())).toEqual([
      'updating auth_strategy keys',
      '  key_names: ["apikey"] → ["apikey","x-key"]',
      'updating product shop',
      '  labels.team: (none) → "web"',
      'updating product_version shop/v1',
      '  visibility: "private" → "public"',
      'updating application app',
      '  name: "App" → "The App"',
      'updating registration app/shop/v1',
      '  status: "pending" → "rejected"',
      'updating credential app/two',
      '  protected: false → true',
    ]);
    await s.apply();
  });

  it('deletes every kind, children first', async () => {
    const s = await setup();
    await s.apply();
    await s.write('namespace: kinds\nauth_strategies: []\nproducts: []\napplications: []\n');
    expect(lines(await s.plan())).toEqual([
      'deleting credential app/one',
      'deleting credential app/two',
      'deleting registration app/shop/v1',
      'deleting registration app/shop/v2',
      'deleting application app',
      'deleting product_version shop/v1',
      'deleting product_version shop/v2',
      'deleting product shop',
      'deleting auth_strategy keys',
      'deleting auth_strategy sso',
    ]);
    await s.apply();
  });
});

describe('colour', () => {
  const QUICKSTART = 'examples/quickstart';
  const GREEN = '\u001b[32mcreating auth_strategy key-auth\u001b[0m';

  it('colours changes on a terminal: create green', async () => {
    const dir = await tempDir();
    const r = await cli(['plan', QUICKSTART, '--state', join(dir, 's.json')], {}, true);
    expect(r.stdout).toContain(GREEN);
  });

  it('honours NO_COLOR and --no-color, and never colours a pipe', async () => {
    const dir = await tempDir();
    const state = join(dir, 's.json');
    for (const r of [
      await cli(['plan', QUICKSTART, '--state', state], { NO_COLOR: '1' }, true),
      await cli(['--no-color', 'plan', QUICKSTART, '--state', state], {}, true),
      await cli(['plan', QUICKSTART, '--state', state], {}, false),
    ]) {
      expect(r.stdout).toContain('creating auth_strategy key-auth');
      expect(r.stdout).not.toContain('\u001b[');
    }
  });
});
