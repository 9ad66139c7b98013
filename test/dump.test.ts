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

  it('an empty portal dumps to an empty config', async () => {
    const ws = await workspace('quickstart');
    const d = await cli(['dump', '--state', ws.state, '--format', 'json']);
    expect(JSON.parse(d.stdout)).toEqual({ namespace: 'default', auth_strategies: [], products: [], applications: [] });
  });
});
