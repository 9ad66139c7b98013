import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cell } from '../../src/render/markdown.js';
import { cli, tempDir } from '../helpers/cli.js';
import { classicDumpText, writeClassicDump, type PortalShape } from './classic-fixture.js';

const TOKEN = 'kpat_migrate';
const DEV = { email: 'dev@example.com', password: 'pw-migrate' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function v3Emulator(): Promise<{ emu: RunningEmulator; target: string[] }> {
  const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
  running.push(emu);
  return { emu, target: ['--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl] };
}

/** A source of a migration: a dumped folder, what it holds, and the --from that dumped it. */
interface Source {
  name: string;
  from: string;
  /** Writes the dumped folder into `dir`; returns what the portal held. */
  make(dir: string): Promise<PortalShape>;
  /** What the report says of owners and left-out fields. */
  expectDropped: { fields: string[]; owners: number };
}

/** A state of the local backend holding a portal, dumped as `dump --backend local --out` does. */
async function localDump(dir: string): Promise<PortalShape> {
  const state = join(dir, 'state.json');
  const config = join(dir, 'local.yaml');
  await writeFile(
    config,
    [
      'namespace: team-a',
      'auth_strategies: [{ name: keys, type: key_auth }]',
      'products:',
      '  - name: shop',
      '    versions:',
      '      - { name: v1, registration: { enabled: true, auth_strategy: keys, auto_approve: false } }',
      'applications:',
      `  - reference_id: web`,
      '    name: Web',
      `    owner: { type: developer, name: ${DEV.email} }`,
      '    registrations: [{ product: shop, version: v1, status: approved }]',
      '    credentials: [{ name: browser, protected: true }]',
      '  - reference_id: batch',
      '    name: Batch',
      '    registrations: [{ product: shop, version: v1, status: rejected }]',
      '    credentials: []',
      '',
    ].join('\n'),
  );
  const applied = await cli(['apply', config, '--state', state, '--yes', '--credentials-out', join(dir, 'local-keys.json')]);
  expect(applied.stderr).toBe('');
  const dumped = await cli(['dump', '--state', state, '--out', join(dir, 'source')]);
  expect(dumped.code).toBe(0);
  expect(await readFile(join(dir, 'source', 'portal.yaml'), 'utf8')).toMatch(/^# yaml-language-server: .*\n(?:#.*\n)*# portalctl dump --backend local\n/);
  return {
    statuses: new Map([
      ['registration.web/shop/v1', 'approved'],
      ['registration.batch/shop/v1', 'rejected'],
    ]),
    credentials: new Map([['web', ['credential.web/browser']]]),
    needsAdmin: new Set(['registration.web/shop/v1', 'registration.batch/shop/v1']),
  };
}

/**
 * A classic portal on the classic emulator, made by applying the fixture (without the version's
 * description, which classic cannot hold either; owned by the session developer, as classic requires),
 * then dumped with `dump --backend konnect-classic`.
 */
async function realClassicDump(dir: string): Promise<PortalShape> {
  const emu = await startEmulator({ flavour: 'classic', port: 0, token: TOKEN, developers: [DEV] });
  running.push(emu);
  const classic = ['--backend', 'konnect-classic', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
  const { text, shape } = classicDumpText(50, DEV.email, false);
  const config = join(dir, 'classic.yaml');
  await writeFile(config, text.replace('# portalctl dump --backend konnect-classic\n', ''));
  const applied = await cli(['apply', config, ...classic, '--yes', '--credentials-out', join(dir, 'classic-keys.json')], ENV);
  expect(applied.stderr).toBe('');
  // No --namespace: classic applications carry no namespace label (M11); the session developer's go
  // with the one namespace that labels everything else.
  const dumped = await cli(['dump', ...classic, '--out', join(dir, 'source')], ENV);
  expect(dumped.code).toBe(0);
  return shape;
}

const SOURCES: Source[] = [
  {
    name: 'the classic emulator (dump --backend konnect-classic: 50 applications, registrations in all four statuses, credentials)',
    from: 'konnect-classic',
    make: realClassicDump,
    expectDropped: { fields: ['product_version.billing/v1 | deprecated'], owners: 50 },
  },
  {
    name: 'a classic portal (dump-shaped fixture: 50 applications, registrations in all four statuses, credentials)',
    from: 'konnect-classic',
    make: (dir) => writeClassicDump(join(dir, 'source'), 50),
    expectDropped: { fields: ['product_version.billing/v1 | deprecated', 'product_version.billing/v1 | description'], owners: 50 },
  },
  {
    name: 'a local state (dump --backend local)',
    from: 'local',
    make: localDump,
    expectDropped: { fields: ['credential.web/browser | protected'], owners: 0 },
  },
];

/** Registration statuses by address, as a dump of the v3 portal shows them. */
async function v3Statuses(target: string[]): Promise<Map<string, string>> {
  const dumped = await cli(['dump', '--backend', 'konnect', ...target, '--format', 'json'], ENV);
  expect(dumped.code).toBe(0);
  const config = JSON.parse(dumped.stdout) as { applications: { reference_id: string; registrations: { product: string; version: string; status: string }[] }[] };
  return new Map(config.applications.flatMap((a) => a.registrations.map((r) => [`registration.${a.reference_id}/${r.product}/${r.version}`, r.status] as const)));
}

describe.each(SOURCES)('migrate from $name to a v3 emulator', (source) => {
  it('a dry run writes the config and the report and changes nothing; --apply converges, keeps every status and re-issues every key', async () => {
    const dir = await tempDir();
    const shape = await source.make(dir);
    const { emu, target } = await v3Emulator();
    const out = join(dir, 'v3');
    const migrate = ['migrate', join(dir, 'source'), '--from', source.from, '--to', 'konnect', ...target, '--out', out];

    const before = JSON.stringify(emu.state.data);
    const sourceBefore = await readFile(join(dir, 'source', 'portal.yaml'), 'utf8');
    const dry = await cli(migrate, ENV);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing changed on either side');
    expect(JSON.stringify(emu.state.data)).toBe(before);
    expect(await readFile(join(dir, 'source', 'portal.yaml'), 'utf8')).toBe(sourceBefore);
    const report = await readFile(join(out, 'MIGRATION.md'), 'utf8');
    for (const app of shape.credentials.keys()) expect(report).toContain(`| ${app} |`);
    for (const field of source.expectDropped.fields) expect(report).toContain(field.replaceAll('_', '\\_'));
    expect(report).toContain(`## Owners that do not carry over (${source.expectDropped.owners})`);
    // Every registration whose status is not the one its version gives by itself is listed, with its status; no other.
    const listed = report.split('\n').filter((line) => line.startsWith('| registration.'));
    expect(listed.map((line) => line.split(' | ')[0]!.slice(2)).sort()).toEqual([...shape.needsAdmin].sort());
    for (const line of listed) expect(line).toContain(`| ${shape.statuses.get(line.split(' | ')[0]!.slice(2))} |`);
    // A real dump names its backend: no note that it does not.
    expect(report).not.toContain('does not say which backend');

    // The converted config validates and plans as it is.
    expect((await cli(['validate', out])).code).toBe(0);

    // --apply without --force writes into the folder the dry run filled: refused in one line.
    const refused = await cli([...migrate, '--apply', '--yes', '--credentials-out', join(dir, 'keys.json')], ENV);
    expect(refused.stderr).toBe(`error: --out ${out} is not empty: pass --force to replace the files migrate writes there\n`);
    expect(JSON.stringify(emu.state.data)).toBe(before);

    // Off a terminal, keys need a file to go to: refused (exit 3) before anything changes, as apply does.
    const keyless = await cli([...migrate, '--force', '--apply', '--yes'], ENV);
    expect(keyless.stderr).toBe('error: the plan creates credentials and their keys can be shown only once: pass --credentials-out FILE (nothing applied)\n');
    expect(keyless.code).toBe(3);
    expect(JSON.stringify(emu.state.data)).toBe(before);
    expect(await readFile(join(out, 'MIGRATION.md'), 'utf8')).toContain('## What stops the plan');

    const applied = await cli([...migrate, '--force', '--apply', '--yes', '--credentials-out', join(dir, 'keys.json')], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);

    const plan = await cli(['plan', out, '--backend', 'konnect', ...target, '--detailed-exitcode'], ENV);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    expect(await v3Statuses(target)).toEqual(shape.statuses);
    const keys = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(keys).sort()).toEqual([...shape.credentials.values()].flat().sort());
    const finalReport = await readFile(join(out, 'MIGRATION.md'), 'utf8');
    expect(finalReport).toContain(`Applied: `);
    for (const [app, credentials] of shape.credentials) expect(finalReport).toMatch(new RegExp(`^\\| ${app} \\| .* \\| ${credentials.length} \\|$`, 'm'));
    // No key reaches the report or the converted config.
    const converted = (await Promise.all(['applications.yaml', 'products.yaml', 'auth_strategies.yaml'].map((f) => readFile(join(out, f), 'utf8')))).join('');
    for (const key of Object.values(keys)) {
      expect(finalReport).not.toContain(key);
      expect(converted).not.toContain(key);
    }
  }, 60_000);
});

describe('migrate', () => {
  it('refuses a folder dumped from another backend than --from, in one line, before reading the target', async () => {
    const dir = await tempDir();
    await writeClassicDump(join(dir, 'source'), 2);
    const run = await cli(['migrate', join(dir, 'source'), '--from', 'local', '--to', 'local', '--state', join(dir, 'state.json'), '--out', join(dir, 'out')]);
    expect(run.stderr).toBe(`error: ${join(dir, 'source', 'portal.yaml')}: dumped from the konnect-classic backend, not from local (--from konnect-classic, or dump the local portal again)\n`);
    expect(run.code).toBe(1);
  });

  it('writes one file per section, without the fields the target cannot hold, keeping values from the environment as references', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'source.yaml'),
      [
        'namespace: ns',
        'auth_strategies:',
        `  - { name: oidc, type: openid_connect, issuer: '\${{ env "ISSUER" }}' }`,
        'products:',
        '  - name: p',
        '    versions: [{ name: v1, deprecated: true, registration: { enabled: true, auth_strategy: oidc, auto_approve: true } }]',
        'applications:',
        '  - reference_id: a',
        '    name: A',
        '    owner: { type: developer, name: someone@example.com }',
        '    registrations: [{ product: p, version: v1, protected: true }]',
        '',
      ].join('\n'),
    );
    const { target } = await v3Emulator();
    const out = join(dir, 'out');
    const run = await cli(['migrate', join(dir, 'source.yaml'), '--from', 'konnect-classic', '--to', 'konnect', ...target, '--out', out], { ...ENV, ISSUER: 'https://idp.example.com' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const strategies = await readFile(join(out, 'auth_strategies.yaml'), 'utf8');
    expect(strategies).toContain('${{ env "ISSUER" }}');
    expect(strategies).not.toContain('idp.example.com');
    expect(parse(await readFile(join(out, 'products.yaml'), 'utf8'))).toEqual({
      namespace: 'ns',
      products: [{ name: 'p', versions: [{ name: 'v1', registration: { enabled: true, auth_strategy: 'oidc', auto_approve: true } }] }],
    });
    expect(parse(await readFile(join(out, 'applications.yaml'), 'utf8'))).toEqual({
      namespace: 'ns',
      applications: [{ reference_id: 'a', name: 'A', registrations: [{ product: 'p', version: 'v1' }] }],
    });
    const report = await readFile(join(out, 'MIGRATION.md'), 'utf8');
    expect(report).toContain(`| ${join(dir, 'source.yaml')}:6:28 | product\\_version.p/v1 | deprecated | true |`);
    expect(report).toContain(`| ${join(dir, 'source.yaml')}:11:48 | registration.a/p/v1 | protected | true |`);
    expect(report).toContain(`| ${join(dir, 'source.yaml')}:10:5 | application.a | developer someone@example.com |`);
    expect(report).toContain('not say which backend it was dumped from');
  });

  it('reports what stops the plan, and exits 1 with the same lines', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'source.yaml'),
      ['namespace: ns', 'auth_strategies: [{ name: k, type: key_auth }]', 'products:', '  - name: p', '    versions: [{ name: v1, publish_status: unpublished, registration: { enabled: true, auth_strategy: k } }]', ''].join('\n'),
    );
    const { target } = await v3Emulator();
    const out = join(dir, 'out');
    const run = await cli(['migrate', join(dir, 'source.yaml'), '--from', 'local', '--to', 'konnect', ...target, '--out', out], ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('an unpublished version cannot accept registrations on the konnect backend');
    const report = await readFile(join(out, 'MIGRATION.md'), 'utf8');
    expect(report).toContain('## What stops the plan');
    expect(report).toContain('an unpublished version cannot accept registrations');
  });

  it('writes --out only where nothing else would be planned with it: not inside the source, not over other config files', async () => {
    const dir = await tempDir();
    const source = join(dir, 'source');
    await writeClassicDump(source, 1);
    const base = ['migrate', source, '--from', 'konnect-classic', '--to', 'local', '--state', join(dir, 'state.json')];
    expect((await cli([...base, '--out', join(source, 'v3')])).stderr).toBe(`error: --out ${join(source, 'v3')} is inside the source ${source}: write the migration to a folder of its own\n`);
    const out = join(dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'extra.yaml'), 'namespace: payments\n');
    expect((await cli([...base, '--out', out, '--force'])).stderr).toBe(
      `error: ${join(out, 'extra.yaml')} would be planned with the migration: move it out of ${out} (--force replaces only the files migrate writes)\n`,
    );
    await rm(join(out, 'extra.yaml'));
    const run = await cli([...base, '--out', out, '--force']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await expect(access(join(dir, 'state.json'))).rejects.toThrow(); // a dry run makes no local state either
  });

  it('reports a target that cannot be read as what stops the plan', async () => {
    const dir = await tempDir();
    await writeClassicDump(join(dir, 'source'), 1);
    const { emu, target } = await v3Emulator();
    await emu.stop();
    const out = join(dir, 'out');
    const run = await cli(['migrate', join(dir, 'source'), '--from', 'konnect-classic', '--to', 'konnect', ...target, '--out', out], ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*\n$/);
    const report = await readFile(join(out, 'MIGRATION.md'), 'utf8');
    expect(report).toContain(`## What stops the plan\n\n- ${cell(run.stderr.slice('error: '.length, -1))}`);
  }, 60_000);

  it('takes apply options only with --apply, and the target only as --to', async () => {
    const dir = await tempDir();
    const base = ['migrate', dir, '--from', 'local', '--to', 'local', '--out', join(dir, 'out')];
    expect((await cli([...base, '--yes'])).stderr).toBe('error: --yes goes with --apply: without it migrate changes nothing\n');
    expect((await cli([...base, '--backend', 'konnect'])).stderr).toBe('error: migrate names the target with --to and the source with --from, not --backend\n');
    expect((await cli(['migrate', dir, '--to', 'local', '--out', join(dir, 'out')])).stderr).toContain("required option '--from <backend>' not specified");
  });
});
