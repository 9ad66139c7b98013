import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/backends/local/local-backend.js';
import { loadDesired } from '../../src/config/load.js';
import { diffStates } from '../../src/plan/diff.js';
import { workspace } from '../helpers/workspace.js';

describe("a backend's immutable fields", () => {
  it('plan a replace, as the fields no backend can change in place do', async () => {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit('portal.yaml', 'version: v1\n', 'version: v1\n        status: revoked\n');
    const { desired } = await loadDesired([ws.config]);
    const backend = new LocalBackend(ws.state);
    const live = await backend.read();
    const plan = (capabilities: Parameters<typeof diffStates>[2]['capabilities']) =>
      diffStates(desired!, live, { backend: { type: 'local', target: ws.state }, ...(capabilities && { capabilities }) }).changes.map((c) => [c.action, c.address, c.replaced_by]);

    const address = 'registration.mobile-banking/billing/v1';
    expect(plan(undefined)).toEqual([['update', address, undefined]]);
    expect(plan(backend.capabilities)).toEqual([['update', address, undefined]]);
    expect(plan({ immutable: { registration: ['status'] } })).toEqual([['replace', address, ['status']]]);
  });
});
