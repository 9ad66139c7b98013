import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

describe('dump', () => {
  for (const example of ['quickstart', 'org']) {
    it(`${example}: the dump validates and plans to no changes against the portal it came from`, async () => {
      const ws = await workspace(example);
      expect((await ws.apply()).code).toBe(0);
      const out = join(ws.dir, 'dumped');
      const d = await cli(['dump', '--state', ws.state, '--out', out]);
      expect(d.code).toBe(0);
      expect((await cli(['validate', out])).code).toBe(0);
      const plan = await cli(['plan', out, '--state', ws.state, '--detailed-exitcode']);
      expect(plan.stdout).toContain('No changes.');
      expect(plan.code).toBe(0);
    });
  }

  it('prints JSON without keys or hashes', async () => {
    const ws = await workspace('quickstart');
    await ws.apply();
    const d = await cli(['dump', '--state', ws.state, '--format', 'json']);
    const config = JSON.parse(d.stdout);
    expect(config.namespace).toBe('quickstart');
    expect(config.applications[0].credentials).toEqual([{ name: 'ci' }]);
    expect(d.stdout).not.toContain('sha256');
  });

  it("an empty portal dumps to an empty config, with the settings every portal has", async () => {
    const ws = await workspace('quickstart');
    const d = await cli(['dump', '--state', ws.state, '--format', 'json']);
    expect(JSON.parse(d.stdout)).toEqual({
      namespace: 'default',
      auth_strategies: [],
      portal_settings: { authentication_enabled: true, rbac_enabled: false, auto_approve_developers: false, auto_approve_applications: false, default_application_auth_strategy: null, default_api_visibility: 'private' },
      products: [],
      applications: [],
    });
  });
});
