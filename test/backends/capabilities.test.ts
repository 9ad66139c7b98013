import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/backends/backend.js';
import { LocalBackend } from '../../src/backends/local/local-backend.js';
import { loadDesired } from '../../src/config/load.js';
import { UserError } from '../../src/errors.js';
import { diffStates } from '../../src/plan/diff.js';
import { workspace } from '../helpers/workspace.js';

/** The quickstart, applied; then planned against its live state with the given capabilities. */
async function applied() {
  const ws = await workspace('quickstart');
  expect((await ws.apply()).code).toBe(0);
  const plan = async (capabilities?: Capabilities, live = new LocalBackend(ws.state)) => {
    const { desired } = await loadDesired([ws.config]);
    return diffStates(desired!, await live.read(), { backend: { type: 'local', target: ws.state }, ...(capabilities && { capabilities }) });
  };
  return { ws, plan };
}

const actions = (plan: { changes: { action: string; address: string; replaced_by?: string[] }[] }) => plan.changes.map((c) => [c.action, c.address, c.replaced_by]);

describe("a backend's immutable fields", () => {
  it('plan a replace, as the fields no backend can change in place do', async () => {
    const { ws, plan } = await applied();
    await ws.edit('portal.yaml', 'version: v1\n', 'version: v1\n        status: revoked\n');
    const address = 'registration.mobile-banking/billing/v1';
    expect(actions(await plan())).toEqual([['update', address, undefined]]);
    expect(actions(await plan(new LocalBackend(ws.state).capabilities))).toEqual([['update', address, undefined]]);
    expect(actions(await plan({ immutable: { registration: ['status'] } }))).toEqual([['replace', address, ['status']]]);
  });
});

describe('the fields a backend cannot hold', () => {
  const unheld: Capabilities = { unsupported: { product_version: ['deprecated'] } };

  it('read as their defaults, so that a config that leaves them out plans no change', async () => {
    const { ws, plan } = await applied();
    // A portal that does not hold the field answers without it.
    const data = JSON.parse(await readFile(ws.state, 'utf8'));
    for (const version of Object.values<Record<string, unknown>>(data.product_versions)) delete version.deprecated;
    await writeFile(ws.state, JSON.stringify(data));
    const withoutField = class extends LocalBackend {
      override readonly capabilities = unheld;
    };
    expect(actions(await plan(unheld, new withoutField(ws.state)))).toEqual([]);
    expect(actions(await plan(unheld))).toEqual([['update', 'product_version.billing/v1', undefined]]);
  });

  it('refuse a config that sets one to anything but its default, naming where, the field and the backend', async () => {
    const { ws, plan } = await applied();
    await ws.edit('portal.yaml', '      - name: v1\n', '      - name: v1\n        deprecated: true\n');
    const error = await plan(unheld).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `${ws.config}/portal.yaml:17:9: product_version.billing/v1: deprecated cannot be held by the local backend; leave it out`,
    );
    expect(actions(await plan())).toEqual([['update', 'product_version.billing/v1', undefined]]);
  });
});
