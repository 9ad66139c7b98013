import type { Backend } from '../backends/backend.js';
import { loadDesired } from '../config/load.js';
import type { Problem } from '../diagnostics/problems.js';
import { ConfigError } from '../errors.js';
import type { Plan } from '../types/plan.js';
import { diffStates } from './diff.js';

export interface PlanInputs {
  env: NodeJS.ProcessEnv;
  /** Overrides the config's namespace (already checked). */
  namespace?: string;
  /** Take over unlabelled live objects with a declared key. */
  adopt?: boolean;
}

/**
 * Plans a config against a portal: read the live state, load the config against it (references
 * into sections the files leave out resolve to live objects), and diff. A config with errors throws
 * ConfigError; the warnings come back with the plan, for the caller to show.
 */
export async function makePlan(paths: readonly string[], backend: Backend, inputs: PlanInputs): Promise<{ plan: Plan; warnings: Problem[] }> {
  const live = await backend.read({ partial: true });
  const { desired, problems } = await loadDesired(paths, { env: inputs.env, outside: live, ...(inputs.namespace !== undefined && { namespace: inputs.namespace }) });
  if (!desired) throw new ConfigError(problems);
  problems.push(...((await backend.checkDesired?.(desired)) ?? []));
  if (problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
  const scoped = backend.readFor ? await backend.readFor(live, desired) : live;
  const plan = diffStates(desired, scoped, { backend: { type: backend.type, target: backend.target }, adopt: inputs.adopt === true, capabilities: backend.capabilities });
  const unmet = backend.unmet?.(plan);
  if (unmet !== undefined) plan.warnings.push(`this plan cannot be applied: ${unmet}`);
  const counts = backend.requestCounts?.();
  if (counts !== undefined) plan.metadata = { requests: counts.requests, retried: counts.retried };
  return { plan, warnings: problems };
}
