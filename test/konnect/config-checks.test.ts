import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_checks';
const ENV = { KONNECT_TOKEN: TOKEN };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** An emulator whose one portal auto-approves applications (or not), from a state file. */
async function emulator(autoApprove: boolean) {
  const dir = await tempDir();
  const state = join(dir, 'state.json');
  const portal = { name: 'default', auto_approve_applications: autoApprove, default_application_auth_strategy_id: null, authentication_enabled: true };
  const empty = { auth_strategies: {}, products: {}, product_versions: {}, applications: {}, registrations: {}, credentials: {} };
  await writeFile(state, JSON.stringify({ format_version: 1, ...empty, portals: { '0b0e0000-0000-4000-8000-000000000001': portal } }));
  const emu = await startEmulator({ port: 0, token: TOKEN, state });
  running.push(emu);
  return { emu, dir };
}

const config = (publish: 'published' | 'unpublished', autoApprove: boolean) => `namespace: checks
auth_strategies: [{ name: keys, type: key_auth }]
products:
  - name: billing
    versions:
      - name: v1
        publish_status: ${publish}
        registration: { enabled: true, auth_strategy: keys, auto_approve: ${autoApprove} }
`;

describe('what Konnect cannot hold of a config beyond single fields', () => {
  it('an unpublished version that accepts registrations is an error at its line (M5)', async () => {
    const { emu, dir } = await emulator(false);
    const file = join(dir, 'c.yaml');
    await writeFile(file, config('unpublished', false));
    const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}:6:9: product version "billing/v1": an unpublished version cannot accept registrations on the konnect backend (its registration settings live on its publication); publish it or disable registration\ninvalid: 1 error\n`,
    );
  });

  it("auto_approve: false on a portal that auto-approves applications is a warning (M7), and only there", async () => {
    for (const portalApproves of [true, false]) {
      const { emu, dir } = await emulator(portalApproves);
      const file = join(dir, 'c.yaml');
      await writeFile(file, config('published', false));
      const r = await cli(['plan', file, '--backend', 'konnect', '--konnect-url', emu.adminUrl], ENV);
      expect(r.code).toBe(0);
      const warning = `${file}:6:9: warning: product version "billing/v1": auto_approve is false, but portal "default" auto-approves applications, which Konnect applies to this version's registrations too\n`;
      expect(r.stderr).toBe(portalApproves ? warning : '');
    }
  });
});
