import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SPECS } from '../src/model/kinds/index.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { cli, ROOT, tempDir } from './helpers/cli.js';

/** Issue #11 item 4: the portal's own settings as code, and the refusal of registration on a portal without authentication. */

const TOKEN = 'kpat_portal_settings';
const DEV = { email: 'dev@example.com', password: 'pw-settings' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const emulators: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

type Flavour = 'local' | 'konnect' | 'konnect-classic';

/** A run against a fresh portal of one backend: `run(command, file, ...)` with the backend's options. */
async function portal(flavour: Flavour) {
  const dir = await tempDir();
  let options: string[] = ['--state', join(dir, 'state.json')];
  if (flavour !== 'local') {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV], ...(flavour === 'konnect-classic' && { flavour: 'classic' as const }) });
    emulators.push(emu);
    options = ['--backend', flavour, '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
  }
  const write = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const run = (command: string, ...args: string[]) => cli([command, ...args, ...options], ENV);
  /** The settings as the backend reads them, through dump. */
  const settings = async () => {
    const d = await run('dump', '--format', 'json');
    expect(d.code, d.stderr).toBe(0);
    return JSON.parse(d.stdout).portal_settings as Record<string, unknown>;
  };
  return { dir, write, run, settings };
}

const QUICKSTART = await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8');

describe('portal_settings: a singleton kind', () => {
  it('is read and updated only: never created or deleted, owned by no namespace', () => {
    expect(SPECS.portal_settings).toMatchObject({ lifecycle: 'singleton', ownership: 'none', section: 'portal_settings' });
    expect(SPECS.portal_settings.key({})).toBe('portal');
  });

  it.each<Flavour>(['local', 'konnect', 'konnect-classic'])('on %s: plans updates of the stated settings only, applies them, and plans no change after; removing the section deletes nothing', async (flavour) => {
    const p = await portal(flavour);
    const classic = flavour === 'konnect-classic';
    const stated = ['portal_settings:', '  rbac_enabled: true', '  auto_approve_developers: true', '  auto_approve_applications: true', ...(classic ? [] : ['  default_api_visibility: public']), ''].join('\n');
    const file = await p.write('settings.yaml', `namespace: quickstart\n${stated}`);
    const plan = await p.run('plan', file, '--format', 'json');
    expect(plan.code, plan.stderr).toBe(0);
    const changes = JSON.parse(plan.stdout).changes as { action: string; address: string; diff: { path: string }[] }[];
    expect(changes.map((c) => [c.action, c.address])).toEqual([['update', 'portal_settings.portal']]);
    // Only the stated settings are managed: authentication and the default strategy are not in the diff.
    expect(changes[0]!.diff.map((d) => d.path).sort()).toEqual(['auto_approve_applications', 'auto_approve_developers', 'rbac_enabled', ...(classic ? [] : ['default_api_visibility'])].sort());

    const applied = await p.run('apply', file, '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    expect(await p.settings()).toMatchObject({ authentication_enabled: true, rbac_enabled: true, auto_approve_developers: true, auto_approve_applications: true, default_application_auth_strategy: null });
    const again = await p.run('plan', file, '--detailed-exitcode');
    expect(again.code, again.stdout + again.stderr).toBe(0);

    // The section gone: the settings are not managed, and a singleton is never deleted.
    const none = await p.run('plan', await p.write('empty.yaml', 'namespace: quickstart\nauth_strategies: []\n'), '--format', 'json');
    expect(JSON.parse(none.stdout).changes).toEqual([]);
  });

  it.each<Flavour>(['local', 'konnect', 'konnect-classic'])('on %s: sets the default strategy by name (created in the same apply) and turns authentication off; dump then plan shows no change', async (flavour) => {
    const p = await portal(flavour);
    const file = await p.write(
      'portal.yaml',
      'namespace: quickstart\nportal_settings:\n  authentication_enabled: false\n  default_application_auth_strategy: key-auth\nauth_strategies:\n  - name: key-auth\n    type: key_auth\n    key_names: [apikey]\n',
    );
    const applied = await p.run('apply', file, '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.indexOf('created auth_strategy key-auth')).toBeLessThan(applied.stdout.indexOf('updated portal_settings portal'));
    expect(await p.settings()).toMatchObject({ authentication_enabled: false, default_application_auth_strategy: 'key-auth' });

    const dumped = await p.run('dump', '--out', join(p.dir, 'dump'));
    expect(dumped.code, dumped.stderr).toBe(0);
    const replan = await p.run('plan', join(p.dir, 'dump'), '--detailed-exitcode');
    expect(replan.code, replan.stdout + replan.stderr).toBe(0);
  });
});

describe('plan refuses registration on a portal whose authentication is off', () => {
  const enablesAt = () => {
    const lines = QUICKSTART.split('\n');
    return lines.findIndex((l) => l.includes('enabled: true')) + 1;
  };

  it('when the config turns authentication off: one line at the line that enables registration, exit 1 (validate too)', async () => {
    const p = await portal('local');
    const file = await p.write('portal.yaml', `${QUICKSTART}\nportal_settings:\n  authentication_enabled: false\n`);
    const at = QUICKSTART.split('\n').length + 2;
    for (const r of [await p.run('plan', file), await cli(['validate', file])]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(
        `${file}:${enablesAt()}:20: registration enabled on billing/v1 needs the portal's authentication on (portal_settings.authentication_enabled is false at ${file}:${at}:27; set it to true)\ninvalid: 1 error\n`,
      );
    }
  });

  it.each<Flavour>(['local', 'konnect', 'konnect-classic'])('on %s: when the live portal has authentication off and the config does not say; not when the same plan turns it on', async (flavour) => {
    const p = await portal(flavour);
    const off = await p.run('apply', await p.write('off.yaml', 'portal_settings:\n  authentication_enabled: false\n'), '--yes');
    expect(off.code, off.stderr).toBe(0);

    const file = await p.write('portal.yaml', QUICKSTART);
    const refused = await p.run('plan', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `${file}:${enablesAt()}:20: registration enabled on billing/v1 needs the portal's authentication on (the portal has authentication off; set portal_settings.authentication_enabled: true)\ninvalid: 1 error\n`,
    );
    // Nothing was written.
    expect((await p.settings()).authentication_enabled).toBe(false);

    await writeFile(file, `${QUICKSTART}\nportal_settings:\n  authentication_enabled: true\n`);
    const on = await p.run('plan', file, '--format', 'json');
    expect(on.code, on.stderr).toBe(0);
    const changes = JSON.parse(on.stdout).changes as { address: string; diff: { path: string; before?: unknown; after?: unknown }[] }[];
    expect(changes.find((c) => c.address === 'portal_settings.portal')?.diff).toEqual([{ path: 'authentication_enabled', before: false, after: true }]);
    const applied = await p.run('apply', file, '--yes', '--credentials-out', join(p.dir, 'creds.json'));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.indexOf('updated portal_settings portal')).toBeGreaterThanOrEqual(0);
  });
});

describe('--backend konnect-classic and the portal settings', () => {
  it('holds authentication as the inverse of is_public, and refuses default_api_visibility naming the field and the backend', async () => {
    const p = await portal('konnect-classic');
    const file = await p.write('portal.yaml', 'portal_settings:\n  authentication_enabled: true\n  default_api_visibility: public\n');
    const r = await p.run('plan', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${file}:2:3: portal_settings.portal: default_api_visibility cannot be held by the konnect-classic backend; leave it out\n`);
    expect(await p.settings()).not.toHaveProperty('default_api_visibility');
  });
});
