import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '../src/apply/executor.js';
import { BackendError, type Transaction } from '../src/backends/backend.js';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { loadDesired } from '../src/config/load.js';
import { diffStates } from '../src/plan/diff.js';
import { cli } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

/** A transaction that refuses every write to the given addresses and passes the rest through. */
function failing(tx: Transaction, addresses: string[]): Transaction {
  const refuse = (address: string) => {
    if (addresses.includes(address)) throw new BackendError(`injected failure on ${address}`, 500);
  };
  return {
    create: async (r, ctx) => (refuse(r.address), tx.create(r, ctx)),
    update: async (r, ctx) => (refuse(r.address), tx.update(r, ctx)),
    delete: async (address) => (refuse(address), tx.delete(address)),
  };
}

describe('a failure in the middle of an apply', () => {
  it('applies what it can, skips what depends on the failure, reports each, and a rerun converges', async () => {
    const ws = await workspace('org');
    const backend = new LocalBackend(ws.state);
    const { desired } = await loadDesired([ws.config]);
    const live = await backend.read();
    const plan = diffStates(desired!, live, { backend: { type: 'local', target: ws.state } });

    const outcomes = await backend.transaction((tx) =>
      execute(plan, failing(tx, ['product.payouts']), { concurrency: 4, env: {} }),
    );
    const status = Object.fromEntries(outcomes.map((o) => [o.change.address, o.status]));
    expect(status['product.payouts']).toBe('failed');
    expect(status['product_version.payouts/v1']).toBe('skipped');
    expect(status['registration.mobile-banking/payouts/v1']).toBe('skipped');
    expect(status['product.billing']).toBe('applied');
    expect(status['registration.mobile-banking/billing/v1']).toBe('applied');
    expect(status['credential.mobile-banking/ci']).toBe('applied');
    expect(outcomes).toHaveLength(plan.changes.length);
    const skipped = outcomes.find((o) => o.change.address === 'product_version.payouts/v1');
    expect(skipped).toMatchObject({ status: 'skipped', because: 'product.payouts' });

    // What landed was saved; the rerun plans exactly what did not land.
    const rerun = diffStates(desired!, await backend.read(), { backend: { type: 'local', target: ws.state } });
    expect(rerun.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create product.payouts',
      'create product_version.payouts/v1',
      'create registration.mobile-banking/payouts/v1',
    ]);
    expect((await ws.apply()).code).toBe(0);
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('the CLI reports a refused write on its own line, finishes the rest and exits 1', async () => {
    // Namespace "team-b" uses team-a's strategy; team-a then drops its strategies: the delete is refused (in use).
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    const other = join(ws.dir, 'team-b.yaml');
    await writeFile(other, 'namespace: team-b\nproducts:\n  - name: ledger\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: key-auth } }]\n');
    expect((await cli(['apply', other, '--yes', '--state', ws.state])).code).toBe(0);

    // Team-a closes registration on its version and drops its strategies: the delete is refused (ledger/v1 uses it).
    const next = join(ws.dir, 'next.yaml');
    await writeFile(next, 'namespace: quickstart\nauth_strategies: []\nproducts:\n  - name: billing\n    versions: [{ name: v1, registration: { enabled: false } }]\n');
    const r = await cli(['apply', next, '--yes', '--state', ws.state]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('updated product billing');
    expect(r.stdout).toContain('updated product_version billing/v1');
    expect(r.stdout).toContain('failed: deleting auth_strategy key-auth: auth strategy is in use by version ledger/v1\n');
    expect(r.stderr).toBe('apply incomplete: 2 applied, 1 failed, 0 skipped; fix the cause and apply again\n');
  });
});
