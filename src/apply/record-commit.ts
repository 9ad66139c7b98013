import type { Transaction } from '../backends/backend.js';
import type { Plan } from '../types/plan.js';
import type { Outcome } from './executor.js';

/** What became of the plan's commit after an apply: a line for its report. */
export interface CommitRecord {
  recorded: boolean;
  line: string;
}

/**
 * Records the commit a plan was made from as applied for its namespace, with the apply's writes
 * (call it inside the backend's transaction, after `execute`). Only a complete apply counts: every
 * change applied, or nothing to change, and not stopped by a signal; then the portal matches that commit. Undefined when there is
 * nothing to say: no commit (config outside git), or a backend that keeps no record. A record that
 * cannot be written is reported, not thrown: the apply's own report must not be lost to it.
 */
export async function recordAppliedCommit(tx: Transaction, plan: Pick<Plan, 'namespace' | 'changes' | 'source_commit'>, outcomes: readonly Outcome[], options: { stopped?: boolean; now?: Date } = {}): Promise<CommitRecord | undefined> {
  const source = plan.source_commit;
  if (source === undefined || tx.recordApplied === undefined) return undefined;
  const commit = `commit ${source.commit.slice(0, 12)}${source.dirty ? ' (dirty)' : ''}`;
  if (!isComplete(plan, outcomes, options.stopped === true)) return { recorded: false, line: `${commit} not recorded as applied` };
  try {
    await tx.recordApplied(plan.namespace, { commit: source.commit, dirty: source.dirty, at: (options.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z') });
  } catch (cause) {
    return { recorded: false, line: `${commit} not recorded as applied: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  return { recorded: true, line: `recorded ${commit} as applied to namespace "${plan.namespace}"` };
}

/** Whether an apply brought the portal to its plan: every change applied (or none to make), and not stopped by a signal. */
export function isComplete(plan: Pick<Plan, 'changes'>, outcomes: readonly Outcome[], stopped: boolean): boolean {
  return !stopped && outcomes.length === plan.changes.length && outcomes.every((o) => o.status === 'applied');
}
