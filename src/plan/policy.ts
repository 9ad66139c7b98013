import { ExitCode, UserError } from '../errors.js';
import { SPECS } from '../model/kinds/index.js';
import type { Plan } from '../types/plan.js';

/** How many objects a plan deletes: its deletes with what each takes along, and its replaces. */
export function deletedCount(plan: Plan): number {
  return plan.summary.delete + plan.summary.replace;
}

/** Refuses (exit 3) a plan that deletes more than `maxDeletes` objects: the deletion guard. */
export function checkDeleteLimit(plan: Plan, maxDeletes: number | undefined): void {
  const deletes = deletedCount(plan);
  if (maxDeletes !== undefined && deletes > maxDeletes) {
    throw new UserError(`the plan deletes ${deletes} objects, more than --max-deletes ${maxDeletes}: nothing applied`, ExitCode.refused);
  }
}

/** Whether applying the plan issues secrets (credential keys), which can be handed over only once. */
export function issuesSecrets(plan: Plan): boolean {
  return plan.changes.some((c) => SPECS[c.kind].issuesSecret === true && (c.action === 'create' || c.action === 'replace'));
}

/**
 * Refuses (exit 3) a plan that would issue secrets nobody can receive: without a credentials file,
 * only a terminal can show them, once.
 */
export function checkSecretsHaveAHome(plan: Plan, where: { credentialsFile: boolean; terminal: boolean }): void {
  if (issuesSecrets(plan) && !where.credentialsFile && !where.terminal) {
    throw new UserError('the plan creates credentials and their keys can be shown only once: pass --credentials-out FILE (nothing applied)', ExitCode.refused);
  }
}
