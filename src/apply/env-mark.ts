import type { Transaction } from '../backends/backend.js';
import { UserError } from '../errors.js';
import type { Plan } from '../types/plan.js';

/**
 * A portal that keeps values from the environment as sent (Konnect) is marked per namespace with how
 * many its config takes (Transaction.recordEnvValues), so that `dump` never writes them silently.
 * The mark is set before the first write, so that an interrupted apply leaves it too; a mark that
 * cannot be set stops the apply with nothing applied.
 */
export async function markEnvValues(tx: Transaction, plan: Pick<Plan, 'namespace' | 'env_values'>): Promise<void> {
  const count = plan.env_values ?? 0;
  if (count === 0 || tx.recordEnvValues === undefined) return;
  try {
    await tx.recordEnvValues(plan.namespace, count);
  } catch (cause) {
    throw new UserError(`cannot mark namespace "${plan.namespace}" as taking values from the environment: ${cause instanceof Error ? cause.message : String(cause)} (nothing applied)`, undefined, { cause });
  }
}

/**
 * Removes the mark once a complete apply brought the portal to a config that takes no values from
 * the environment. A mark that cannot be removed is left (it only makes dump ask for the config)
 * and said, not thrown: the apply's own report must not be lost to it. Returns that warning.
 */
export async function unmarkEnvValues(tx: Transaction, plan: Pick<Plan, 'namespace' | 'env_values'>): Promise<string | undefined> {
  if ((plan.env_values ?? 0) > 0 || tx.recordEnvValues === undefined) return undefined;
  try {
    await tx.recordEnvValues(plan.namespace, 0);
    return undefined;
  } catch (cause) {
    return `namespace "${plan.namespace}" is still marked as taking values from the environment (dump will ask for --config): ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
