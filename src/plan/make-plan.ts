import type { Backend } from '../backends/backend.js';
import { loadDesired, type ConfigSource, type LoadOptions } from '../config/load.js';
import type { DesiredState, State } from '../model/state.js';
import { warning, type Problem } from '../diagnostics/problems.js';
import { ConfigError } from '../errors.js';
import type { Plan } from '../types/plan.js';
import { diffStates } from './diff.js';
import { splitByOrigin } from './origin.js';
import { planRotations } from './rotation.js';
import { now } from '../model/clock.js';

export interface PlanInputs {
  env: NodeJS.ProcessEnv;
  /** Overrides the config's namespace (already checked). */
  namespace?: string;
  /** Take over unlabelled live objects with a declared key. */
  adopt?: boolean;
  /** --base: the config the plan is compared with, to tell this change from drift (git's objects at a commit). */
  base?: { ref: string; commit: string; source: ConfigSource };
  /** Credentials whose keys an interrupted apply never saved (apply/key-journal.ts lostKeys): live ones are made again. */
  lostKeys?: ReadonlySet<string>;
}

/**
 * Plans a config against a portal: read the live state, load the config against it (references
 * into sections the files leave out resolve to live objects), and diff. A config with errors throws
 * ConfigError; the warnings come back with the plan, for the caller to show.
 */
export async function makePlan(paths: readonly string[], backend: Backend, inputs: PlanInputs): Promise<{ plan: Plan; warnings: Problem[] }> {
  // The live state is read while the files are read and parsed; its failure still comes first.
  const reading = backend.read({ partial: true });
  reading.catch(() => undefined); // awaited below: not an unhandled rejection meanwhile
  const options = { env: inputs.env, ...(inputs.namespace !== undefined && { namespace: inputs.namespace }) };
  const { desired, problems } = await loadDesired(paths, { ...options, outside: reading }).catch(async (cause: unknown) => {
    await reading;
    throw cause;
  });
  const live = await reading;
  const loadOptions = { ...options, outside: live };
  if (!desired) throw new ConfigError(problems);
  problems.push(...((await backend.checkDesired?.(desired)) ?? []));
  if (problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
  const scoped = backend.readFor ? await backend.readFor(live, desired) : live;
  const at = now(inputs.env);
  const rotations = planRotations(desired, scoped, at);
  const plan = diffStates(rotations.desired, scoped, { backend: { type: backend.type, target: backend.target }, adopt: inputs.adopt === true, capabilities: backend.capabilities, ...(inputs.lostKeys && { reissue: inputs.lostKeys }) });
  for (const change of plan.changes) {
    const note = rotations.notes.get(change.address);
    if (note !== undefined) change.rotation = note;
  }
  plan.warnings.push(...rotations.warnings);
  const unmet = backend.unmet?.(plan);
  if (unmet !== undefined) plan.warnings.push(`this plan cannot be applied: ${unmet}`);
  if (inputs.base) problems.push(...(await compareWithBase(plan, paths, rotations.desired, scoped, inputs.base, loadOptions, at)));
  const envValues = [...desired.state.all()].reduce((n, r) => n + Object.keys(r.envTemplates ?? {}).length, 0);
  if (envValues > 0) plan.env_values = envValues; // apply marks a portal that keeps them as sent
  const counts = backend.requestCounts?.();
  if (counts !== undefined) plan.metadata = { requests: counts.requests, retried: counts.retried };
  return { plan, warnings: problems };
}

/**
 * Loads the config at the base commit through the same pipeline as the head's (from git's objects)
 * and splits the plan into this change and drift. A base that does not load does not block the
 * plan: one warning, and every change counts as introduced.
 */
async function compareWithBase(plan: Plan, paths: readonly string[], head: DesiredState, live: State, base: NonNullable<PlanInputs['base']>, loadOptions: LoadOptions, at: Date): Promise<Problem[]> {
  const loaded = await loadDesired(paths, { ...loadOptions, source: base.source });
  const errors = loaded.problems.filter((p) => p.severity === 'error').length;
  // The base's rotations at the same time: a rotation that falls due is drift, a raised generation this change.
  const baseDesired = loaded.desired === undefined ? undefined : baseRotations(loaded.desired, live, at);
  splitByOrigin(plan, head, { ref: base.ref, commit: base.commit, desired: baseDesired, errors }, live);
  if (loaded.desired !== undefined) return [];
  return [warning(`the config at ${base.ref} has ${errors} error${errors === 1 ? '' : 's'}; every change is shown as introduced`)];
}

/** The base config's generations; a base whose rotation would be refused compares as declared. */
function baseRotations(desired: DesiredState, live: State, at: Date): DesiredState {
  try {
    return planRotations(desired, live, at).desired;
  } catch {
    return desired;
  }
}
