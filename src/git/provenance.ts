import type { Backend } from '../backends/backend.js';
import { findCheckout } from './checkout.js';
import type { Plan } from '../types/plan.js';

/**
 * Adds to a plan (from makePlan) where its config came from, the git checkout of the config paths,
 * which a complete apply records; and what the portal records as last applied for its namespace.
 * Either is left out when there is none: a config outside git, a backend that keeps no record.
 */
export async function addProvenance(plan: Plan, paths: readonly string[], backend: Backend): Promise<void> {
  const [checkout, applied] = await Promise.all([findCheckout(paths), backend.readApplied?.(plan.namespace)]);
  if (checkout !== undefined) plan.source_commit = checkout;
  if (applied !== undefined) plan.applied = applied;
}
