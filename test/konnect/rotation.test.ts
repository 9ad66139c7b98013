import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_rotation';
const DEV = { email: 'dev@example.com', password: 'pw-rotation' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
const T0 = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

const running: RunningEmulator[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** The CLI's environment `days` after T0; the emulator (in this process) reads the same clock. */
function at(days: number): NodeJS.ProcessEnv {
  const iso = new Date(T0 + days * DAY).toISOString();
  vi.stubEnv('PORTALCTL_NOW', iso);
  return { ...ENV, PORTALCTL_NOW: iso };
}

/** The quickstart with its credential rotated every 90 days, 7 days of overlap. */
async function rotatedQuickstart(): Promise<string> {
  const file = join(await tempDir(), 'portal.yaml');
  const text = await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8');
  await writeFile(file, text.replace('      - name: ci\n', '      - name: ci\n        rotate_every: 90d\n        overlap: 7d\n'));
  return file;
}

for (const flavour of ['v3', 'classic'] as const) {
  const backend = flavour === 'v3' ? 'konnect' : 'konnect-classic';
  describe(`key rotation on --backend ${backend} against the emulator`, () => {
    it('creates the next key when due, both keys work at the gateway during the overlap, and the old one is deleted after it', async () => {
      const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV], flavour } satisfies EmulatorOptions);
      running.push(emu);
      const args = ['--backend', backend, '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
      const config = await rotatedQuickstart();
      const creds = join(await tempDir(), 'creds.json');
      const keys = async () => JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>;
      const apply = (env: NodeJS.ProcessEnv) => cli(['apply', config, ...args, '--yes', '--credentials-out', creds], env);
      const plan = (env: NodeJS.ProcessEnv) => cli(['plan', config, ...args], env);
      const gateway = (key: string) => fetch(`${emu.gatewayUrl}/billing/v1/invoices`, { headers: { apikey: key } }).then((r) => r.status);

      const first = await apply(at(0));
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const old = (await keys())['credential.mobile-banking/ci']!;
      expect(await gateway(old)).toBe(200);
      expect((await plan(at(89))).stdout).toContain('No changes.');

      const due = await plan(at(91));
      expect(due.stdout).toContain('creating credential mobile-banking/ci@2\n  rotation: generation 2 of credential.mobile-banking/ci');
      expect(due.stdout).toContain('stays valid until 2030-04-09 00:00Z');
      expect(due.stdout).not.toContain('deleting');
      const rotated = await apply(at(91));
      expect(rotated.stderr).toBe('');
      expect(rotated.code).toBe(0);
      const fresh = (await keys())['credential.mobile-banking/ci@2']!;
      expect(fresh).toEqual(expect.any(String));
      for (const run of [first, due, rotated]) for (const key of [old, fresh]) expect(run.stdout + run.stderr).not.toContain(key);

      // The overlap: both keys open the gateway, and a plan keeps both.
      expect(await gateway(old)).toBe(200);
      expect(await gateway(fresh)).toBe(200);
      expect((await plan(at(97))).stdout).toContain('No changes.');

      const retire = await plan(at(99));
      expect(retire.stdout).toContain('deleting credential mobile-banking/ci\n  rotation: generation 1 of credential.mobile-banking/ci, retired');
      expect(retire.stdout).not.toContain('creating');
      expect((await apply(at(99))).code).toBe(0);
      expect(await keys()).toEqual({ 'credential.mobile-banking/ci@2': fresh });
      expect(await gateway(old)).toBe(401);
      expect(await gateway(fresh)).toBe(200);
      expect((await plan(at(99))).stdout).toContain('No changes.');

      // dump, then plan the dump: no changes.
      const dumped = await cli(['dump', ...args], at(99));
      expect(dumped.code).toBe(0);
      expect(dumped.stdout).toContain('      - name: ci\n        generation: 2\n');
      const dumpFile = join(await tempDir(), 'dump.yaml');
      await writeFile(dumpFile, dumped.stdout);
      expect((await cli(['plan', dumpFile, ...args], at(99))).stdout).toContain('No changes.');
    });
  });
}

describe('key expiry on --backend konnect', () => {
  it('warns a week ahead of a key that expires (the strategy ttl), from the portal\'s expires_at', async () => {
    const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const args = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
    const file = join(await tempDir(), 'portal.yaml');
    const text = await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8');
    await writeFile(file, text.replace('    key_names: [apikey]\n', '    key_names: [apikey]\n    ttl: { value: 2, unit: weeks }\n'));
    expect((await cli(['apply', file, ...args, '--yes', '--credentials-out', join(await tempDir(), 'c.json')], at(0))).code).toBe(0);
    const quiet = await cli(['plan', file, ...args], at(6));
    expect(quiet.stdout + quiet.stderr).not.toContain('expire');
    const soon = await cli(['plan', file, ...args], at(10));
    expect(soon.stdout + soon.stderr).toContain('credential.mobile-banking/ci: its key expires on 2030-01-15 00:00Z (in 4 days)');
    const gone = await cli(['plan', file, ...args], at(15));
    expect(gone.stdout + gone.stderr).toContain('credential.mobile-banking/ci: its key expired on 2030-01-15 00:00Z');
  });
});
