import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_quickstart';
const DEV = { email: 'dev@example.com', password: 'pw-quick' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV], ...options });
  running.push(emu);
  return emu;
}

const konnect = (emu: RunningEmulator) => ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];

describe('--backend konnect against the emulator', () => {
  it('applies examples/quickstart end to end: approved registration, a key the gateway takes, then no changes', async () => {
    const emu = await emulator();
    const dir = await tempDir();
    const creds = join(dir, 'creds.json');
    const quickstart = join(ROOT, 'examples/quickstart');

    const applied = await cli(['apply', quickstart, ...konnect(emu), '--yes', '--credentials-out', creds], ENV);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\d+ requests to konnect, \d+ retried/);
    const key = (JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>)['credential.mobile-banking/ci']!;
    expect(key).toEqual(expect.any(String));
    expect(applied.stdout).not.toContain(key);

    const again = await cli(['plan', quickstart, ...konnect(emu)], ENV);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');

    const json = JSON.parse((await cli(['plan', quickstart, ...konnect(emu), '--format', 'json'], ENV)).stdout);
    expect(json.metadata).toEqual({ requests: expect.any(Number), retried: 0 });
    expect(JSON.stringify(json)).not.toContain(key);

    // A second version that asks for approval, and a registration pending on it.
    const pendingConfig = join(dir, 'pending.yaml');
    const text = (await readFile(join(quickstart, 'portal.yaml'), 'utf8'))
      .replace('          auto_approve: true\n', '          auto_approve: true\n      - name: v2\n        registration:\n          enabled: true\n          auth_strategy: key-auth\n          auto_approve: false\n')
      .replace('        version: v1\n', '        version: v1\n      - product: billing\n        version: v2\n');
    await writeFile(pendingConfig, text);
    const second = await cli(['apply', pendingConfig, ...konnect(emu), '--yes'], ENV);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);

    const gateway = (path: string, headers: Record<string, string> = {}) => fetch(`${emu.gatewayUrl}${path}`, { headers }).then((r) => r.status);
    expect(await gateway('/billing/v1/invoices', { apikey: key })).toBe(200);
    expect(await gateway('/billing/v1/invoices')).toBe(401);
    expect(await gateway('/billing/v2/invoices', { apikey: key })).toBe(403);
  });

  it('without a developer session, plans say what is missing and apply refuses (exit 3) before changing anything', async () => {
    const emu = await emulator();
    const quickstart = join(ROOT, 'examples/quickstart');
    const env = { KONNECT_TOKEN: TOKEN };
    const plan = await cli(['plan', quickstart, ...konnect(emu)], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout + plan.stderr).toContain('KONNECT_PORTAL_EMAIL');
    const apply = await cli(['apply', quickstart, ...konnect(emu), '--yes', '--credentials-out', join(await tempDir(), 'c.json')], env);
    expect(apply.code).toBe(3);
    expect(apply.stderr).toMatch(/^error: this plan cannot be applied: .*KONNECT_PORTAL_EMAIL.*\(nothing applied\)\n$/);
    expect(emu.state.engine.list('auth_strategies')).toHaveLength(0);
  });
});
