import { loadDesired } from '../config/load.js';
import { reportProblems } from './report-problems.js';
import { ConfigError, UserError } from '../errors.js';
import { validateConfigData } from '../config/schema.js';
import type { Backend } from '../backends/backend.js';
import type { DesiredState, State } from '../model/state.js';
import { diffStates } from '../plan/diff.js';
import type { Plan } from '../types/plan.js';
import type { BackendOptions } from './backend-options.js';
import type { Io } from './io.js';

export interface Planned {
  desired: DesiredState;
  live: State;
  plan: Plan;
}

/**
 * The shared first half of plan and apply: read the live state, load the config against it
 * (references into sections the files leave out resolve to live objects), and diff.
 */
export async function loadAndPlan(paths: readonly string[], backend: Backend, options: BackendOptions & { adopt?: boolean }, io: Io): Promise<Planned> {
  if (options.namespace !== undefined) {
    // The flag obeys the schema's rule for namespace: validate it as a one-field config.
    const invalid = validateConfigData({ namespace: options.namespace }, () => false);
    if (invalid.length > 0) throw new UserError(`--namespace: ${invalid[0]!.message}`);
  }
  const live = await backend.read();
  const loadOptions = { env: io.env, outside: live, ...(options.namespace !== undefined && { namespace: options.namespace }) };
  const { desired, problems } = await loadDesired(paths, loadOptions);
  if (!desired) throw new ConfigError(problems);
  reportProblems(io, problems);
  const plan = diffStates(desired, live, { backend: { type: backend.type, target: backend.target }, adopt: options.adopt === true, capabilities: backend.capabilities });
  return { desired, live, plan };
}
