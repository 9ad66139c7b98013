import { describe, expect, it } from 'vitest';
import { execute } from '../src/apply/executor.js';
import { BackendError, type Transaction } from '../src/backends/backend.js';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { loadDesired } from '../src/config/load.js';
import { diffStates } from '../src/plan/diff.js';
import { workspace } from './helpers/workspace.js';

async function planned(example: string) {
  const ws = await workspace(example);
  const backend = new LocalBackend(ws.state);
  const { desired } = await loadDesired([ws.config]);
  const live = await backend.read();
  const plan = diffStates(desired!, live, { backend: { type: 'local', target: ws.state } });
  return { ws, backend, desired: desired!, live, plan };
}

/** A transaction whose writes take a few milliseconds, as a remote portal's do; `started` lists what began. */
function slow(tx: Transaction, started: string[]): Transaction {
  const wait = () => new Promise((resolve) => setTimeout(resolve, 3));
  return {
    create: async (r, ctx) => (started.push(r.address), await wait(), tx.create(r, ctx)),
    update: async (r, ctx) => (started.push(r.address), await wait(), tx.update(r, ctx)),
    delete: async (address) => (started.push(address), await wait(), tx.delete(address)),
  };
}

describe('execute with a stop signal', () => {
  it('starts no write once aborted, finishes those in flight, and what landed is saved', async () => {
    const { ws, backend, desired, plan } = await planned('org');
    const stop = new AbortController();
    const started: string[] = [];
    const outcomes = await backend.transaction((tx) =>
      execute(plan, slow(tx, started), {
        concurrency: 2,
        env: {},
        signal: stop.signal,
        onOutcome: () => stop.abort('SIGTERM'), // as the first write lands
      }),
    );
    // Everything that started finished and was recorded; nothing started after the abort.
    expect(outcomes.map((o) => o.change.address).sort()).toEqual([...started].sort());
    expect(outcomes.every((o) => o.status === 'applied')).toBe(true);
    expect(started.length).toBeLessThan(plan.changes.length);
    // The state holds what landed, and the rerun plans the rest.
    const rerun = diffStates(desired, await backend.read(), { backend: { type: 'local', target: ws.state } });
    expect(rerun.changes).toHaveLength(plan.changes.length - outcomes.length);
  });

  it('starts nothing when aborted before it begins', async () => {
    const { backend, plan } = await planned('quickstart');
    const outcomes = await backend.transaction((tx) => execute(plan, tx, { concurrency: 8, env: {}, signal: AbortSignal.abort('SIGINT') }));
    expect(outcomes).toEqual([]);
    // Nothing but the settings every portal has.
    expect([...(await backend.read()).all()].map((r) => r.address)).toEqual(['portal_settings.portal']);
  });
});

describe('execute with onSecret', () => {
  it('records a create as applied only after its secret is kept', async () => {
    const { backend, plan } = await planned('quickstart');
    const events: string[] = [];
    await backend.transaction((tx) =>
      execute(plan, tx, {
        concurrency: 8,
        env: {},
        onSecret: async (change) => void events.push(`kept ${change.address}`),
        onOutcome: (o) => events.push(`${o.status} ${o.change.address}`),
      }),
    );
    expect(events.slice(-2)).toEqual(['kept credential.mobile-banking/ci', 'applied credential.mobile-banking/ci']);
  });

  it('deletes the object again when its secret cannot be kept, and fails the change with the reason', async () => {
    const { backend, plan } = await planned('quickstart');
    const outcomes = await backend.transaction((tx) =>
      execute(plan, tx, { concurrency: 8, env: {}, onSecret: async () => Promise.reject(new Error('disk full')) }),
    );
    expect(outcomes.find((o) => o.change.kind === 'credential')).toMatchObject({ status: 'failed', error: 'disk full; deleted it again' });
    const after = await backend.read();
    expect(after.get('credential.mobile-banking/ci')).toBeUndefined();
    expect(after.get('application.mobile-banking')).toBeDefined();
  });

  it('says so when the object cannot be deleted again either', async () => {
    const { backend, plan } = await planned('quickstart');
    const outcomes = await backend.transaction((tx) =>
      execute(
        plan,
        { ...tx, create: (r, c) => tx.create(r, c), update: (r, c) => tx.update(r, c), delete: async () => Promise.reject(new BackendError('portal unreachable', 503)) },
        { concurrency: 8, env: {}, onSecret: async () => Promise.reject(new Error('disk full')) },
      ),
    );
    expect(outcomes.find((o) => o.change.kind === 'credential')).toMatchObject({
      status: 'failed',
      error: 'disk full; deleting it again failed too (portal unreachable): delete it by hand',
    });
  });
});
