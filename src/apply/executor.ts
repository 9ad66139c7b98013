import { KINDS } from '../model/kind.js';
import type { Transaction, WriteContext } from '../backends/backend.js';
import type { Change, Plan } from '../types/plan.js';
import { plannedResource } from './planned-resource.js';

export type Outcome =
  | { change: Change; status: 'applied'; secret?: string }
  | { change: Change; status: 'failed'; error: string }
  | { change: Change; status: 'skipped'; because: string };

export interface ExecuteOptions {
  /** At most this many writes in flight at once. */
  concurrency: number;
  /** Called as each change lands, fails or is skipped (for progress output). */
  onOutcome?: (outcome: Outcome) => void;
  /** Once aborted, no further write starts; writes in flight finish and are recorded. Changes never started get no outcome. */
  signal?: AbortSignal;
  /**
   * Keeps a secret a create produced (a credential's key) before that change is recorded as applied.
   * Writes go on meanwhile; each batch waits for its secrets. When it rejects, the object is deleted
   * again (nobody would have its secret) and the change fails with the reason.
   */
  onSecret?: (change: Change, secret: string) => Promise<void>;
  /** Where the values a plan names as `${{ env "NAME" }}` are read at apply time. */
  env: NodeJS.ProcessEnv;
}

/**
 * Runs a plan, from the plan alone, in dependency order: creates, updates and replaces kind by kind,
 * parents first, then deletes children first. Changes of one kind and action run concurrently
 * (bounded). A change one of whose `depends_on` failed or was skipped is skipped, naming it;
 * everything else still runs, so a rerun after a fix converges.
 */
export async function execute(plan: Pick<Plan, 'namespace' | 'changes'>, tx: Transaction, options: ExecuteOptions): Promise<Outcome[]> {
  const ctx: WriteContext = { namespace: plan.namespace };
  const outcomes: Outcome[] = [];
  const broken = new Set<string>(); // addresses that failed or were skipped
  const keeping: Promise<void>[] = []; // secrets being kept (onSecret) by changes of the current batch

  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    if (outcome.status !== 'applied') broken.add(outcome.change.address);
    options.onOutcome?.(outcome);
  };

  const blocker = (change: Change): string | undefined => change.depends_on?.find((address) => broken.has(address));

  const keep = async (change: Change, secret: string) => {
    try {
      await options.onSecret!(change, secret);
      record({ change, status: 'applied', secret });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      try {
        await tx.delete(change.address);
        record({ change, status: 'failed', error: `${reason}; deleted it again` });
      } catch (undo) {
        record({ change, status: 'failed', error: `${reason}; deleting it again failed too (${undo instanceof Error ? undo.message : String(undo)}): delete it by hand` });
      }
    }
  };

  const run = async (change: Change) => {
    if (options.signal?.aborted) return;
    const blockedBy = blocker(change);
    if (blockedBy !== undefined) return record({ change, status: 'skipped', because: blockedBy });
    try {
      if (change.action === 'delete') {
        await tx.delete(change.address);
        record({ change, status: 'applied' });
      } else {
        const resource = plannedResource(change, options.env);
        if (change.action === 'create' || change.action === 'replace') {
          // A replace deletes the live object first: the backend would refuse a second one under its name.
          if (change.action === 'replace') await tx.delete(change.address);
          const { secret } = await tx.create(resource, ctx);
          if (secret !== undefined && options.onSecret) return void keeping.push(keep(change, secret));
          record(secret === undefined ? { change, status: 'applied' } : { change, status: 'applied', secret });
        } else {
          await tx.update(resource, ctx);
          record({ change, status: 'applied' });
        }
      }
    } catch (cause) {
      record({ change, status: 'failed', error: cause instanceof Error ? cause.message : String(cause) });
    }
  };

  for (const batch of batches(plan.changes)) {
    await runBounded(batch, options.concurrency, run);
    await Promise.all(keeping.splice(0));
    // Let signals and a closed output be heard between batches: a backend whose writes never wait
    // (local) would otherwise run to the end before the signal's handler gets a turn.
    if (options.signal) await new Promise((resolve) => setImmediate(resolve));
  }
  return outcomes;
}

/** Groups changes into the batches that may run together: one kind and phase at a time, in order. */
function batches(changes: readonly Change[]): Change[][] {
  const upserts = KINDS.map((kind) => changes.filter((c) => c.kind === kind && c.action !== 'delete'));
  const deletes = [...KINDS].reverse().map((kind) => changes.filter((c) => c.kind === kind && c.action === 'delete'));
  return [...upserts, ...deletes].filter((b) => b.length > 0);
}

async function runBounded<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
