import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_scale';
const DEV = { email: 'dev@example.com', password: 'pw-scale' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** A strategy, one auto-approving version, and `n` applications registered to it (no credentials). */
async function config(n: number): Promise<string> {
  const apps = Array.from({ length: n }, (_, i) => `  - reference_id: app-${i}\n    name: App ${i}\n    registrations:\n      - { product: shop, version: v1 }\n`).join('');
  const file = join(await tempDir(), 'portal.yaml');
  await writeFile(
    file,
    `namespace: scale\nauth_strategies:\n  - { name: keys, type: key_auth }\nproducts:\n  - name: shop\n    versions:\n      - name: v1\n        registration: { enabled: true, auth_strategy: keys, auto_approve: true }\napplications:\n${apps}`,
  );
  return file;
}

const konnect = (emu: RunningEmulator) => ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl, '--parallelism', '20'];

describe('the konnect backend at scale', () => {
  it('converges with --fail-rate 0.3 on 200 applications (at most one rerun), with no duplicate, and says how many requests were retried', async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV], failRate: 0.3, seed: 7, retryAfterSeconds: 0 });
    running.push(emu);
    const file = await config(200);
    let run = await cli(['apply', file, ...konnect(emu), '--yes'], ENV);
    if (run.code !== 0) run = await cli(['apply', file, ...konnect(emu), '--yes'], ENV);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ requests to konnect, [1-9]\d* retried/);
    const refs = emu.state.engine.list('applications').map(([, a]) => a.labels?.['portalctl-reference-id']);
    expect(refs).toHaveLength(200);
    expect(new Set(refs).size).toBe(200);
    const plan = await cli(['plan', file, ...konnect(emu), '--detailed-exitcode'], ENV);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  }, 120_000);

  it('plans 1,000 unchanged applications with about 1,000/100 list requests for them', async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const file = await config(1000);
    expect((await cli(['apply', file, ...konnect(emu), '--yes'], ENV)).code).toBe(0);
    const plan = JSON.parse((await cli(['plan', file, ...konnect(emu), '--format', 'json'], ENV)).stdout);
    expect(plan.changes).toEqual([]);
    // portals, strategies, APIs, publications, developers, teams: 1 page each; applications and registrations: 10 pages each.
    expect(plan.metadata.requests).toBeLessThanOrEqual(6 + 2 * 11);
    expect(plan.metadata.retried).toBe(0);
  }, 120_000);
});
