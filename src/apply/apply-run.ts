import type { Backend } from '../backends/backend.js';
import { ExitCode, UserError } from '../errors.js';
import { splitAddress } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import { checkDeleteLimit, checkSecretsHaveAHome } from '../plan/policy.js';
import type { Change, Plan } from '../types/plan.js';
import { checkCredentialsOut, CredentialsSink, readCredentials, removeCredentials } from './credentials-file.js';
import { lostKeys, readJournal, writeJournal } from './key-journal.js';
import { execute, type Outcome } from './executor.js';
import { isComplete, recordAppliedCommit, type CommitRecord } from './record-commit.js';
import { markEnvValues, unmarkEnvValues } from './env-mark.js';
import { changedValues, unresolvedVariables } from './planned-resource.js';

export interface ApplyRunOptions {
  /**
   * Makes the plan to apply. It runs inside the backend's transaction: the lock is held from reading the live state to the last write.
   * `lostKeys`: credentials whose keys an interrupted apply never saved to the credentials file; a plan made here makes the live ones again (PlanInputs.lostKeys).
   */
  plan: (lostKeys: ReadonlySet<string>) => Promise<Plan>;
  /** The plan was made earlier (apply PLAN.json): it may not have looked at the credentials file's journal of keys being made. */
  savedPlan?: boolean;
  /** Sees the plan as soon as it is made, before any check (apply prints it). */
  onPlan?: (plan: Plan) => void;
  /** The deletion guard: a plan that deletes more objects is refused (exit 3). */
  maxDeletes?: number;
  /** Where new credential keys go; checked before anything changes, each key in it before its credential counts as made. */
  credentialsFile?: string;
  /** A terminal will show new keys once: without a credentials file, only then may a plan create credentials. */
  showsKeys: boolean;
  /** After every check and before the first write (apply asks for confirmation here); throws to apply nothing. */
  beforeWrites?: (plan: Plan) => Promise<void>;
  /** Where the values a plan names as `${{ env "NAME" }}` are read. */
  env: NodeJS.ProcessEnv;
  /** Writes in flight at once. */
  concurrency: number;
  /** Once aborted, no further write starts; the writes in flight land and are reported. */
  signal?: AbortSignal;
  /** Each change as it lands, fails or is skipped. */
  onOutcome?: (outcome: Outcome) => void;
}

export interface AppliedRun {
  plan: Plan;
  /** One per change that ran (fewer than the plan's changes when the run was stopped). */
  outcomes: Outcome[];
  /** The credentials file after the apply: how many keys of deleted credentials left it, or why they could not. */
  forgottenKeys?: { removed: number } | { error: string };
  /** Whether the plan's commit was recorded as applied (absent: no commit, or a backend that keeps none). */
  commit?: CommitRecord;
  /** Why the portal's mark of values from the environment could not be removed, when it could not (see env-mark.ts). */
  envMarkLeft?: string;
}

/**
 * The non-interactive core of an apply, shared by `apply` and each `reconcile` cycle: in one backend
 * transaction, make the plan, refuse it when a policy says so (deletion guard, keys nobody can
 * receive, what the backend cannot do, environment values unset or changed since planning), then run
 * it. Refusals throw a UserError (exit 3) before anything changes; failed writes are outcomes.
 */
export async function applyRun(backend: Backend, options: ApplyRunOptions): Promise<AppliedRun> {
  const keyFile = options.credentialsFile;
  // Before anything changes: a key that cannot be written must never be made.
  if (keyFile !== undefined) await checkCredentialsOut(keyFile, backend.type === 'local' ? backend.target : undefined);
  const sink = keyFile === undefined ? undefined : new CredentialsSink(keyFile);

  const run = await backend.transaction(async (tx) => {
    const lost = keyFile === undefined ? new Set<string>() : await lostKeys(keyFile);
    const plan = await options.plan(lost);
    options.onPlan?.(plan);
    // Nothing to change: the portal already matches the plan's commit (and its use of the environment).
    if (plan.changes.length === 0) {
      await markEnvValues(tx, plan);
      const envMarkLeft = await unmarkEnvValues(tx, plan);
      return withCommit({ plan, outcomes: [] as Outcome[], ...(envMarkLeft && { envMarkLeft }) }, await recordAppliedCommit(tx, plan, []));
    }

    checkDeleteLimit(plan, options.maxDeletes);
    checkSecretsHaveAHome(plan, { credentialsFile: keyFile !== undefined, terminal: options.showsKeys });
    const unmet = backend.unmet?.(plan);
    if (unmet !== undefined) throw new UserError(`this plan cannot be applied: ${unmet} (nothing applied)`, ExitCode.refused);
    const unset = unresolvedVariables(plan, options.env);
    if (unset.length > 0) throw new UserError(`the plan reads environment variables that are not set: ${unset.join(', ')} (nothing applied)`);
    const changed = changedValues(plan, options.env);
    if (changed.length > 0) {
      throw new UserError(`values from the environment changed since the plan was made: ${changed.join(', ')}; plan again (nothing applied)`, ExitCode.refused);
    }
    await options.beforeWrites?.(plan);
    // Before the first write: an interrupted apply leaves the portal marked too.
    await markEnvValues(tx, plan);

    // Before the portal makes a key, the journal says it is on its way: a process killed before the
    // key reaches the file leaves a live credential the next run knows to make again.
    if (keyFile !== undefined) await writeJournal(keyFile, new Set([...(await readJournal(keyFile)), ...keysMade(plan)]));
    const outcomes = await execute(plan, tx, {
      concurrency: options.concurrency,
      env: options.env,
      ...(options.signal && { signal: options.signal }),
      ...(options.onOutcome && { onOutcome: options.onOutcome }),
      // Each new key is in the credentials file before its credential counts as made (and is saved).
      ...(sink && { onSecret: (change: Change, secret: string) => sink.add(change.address, secret) }),
    });
    const stopped = options.signal?.aborted === true;
    const envMarkLeft = isComplete(plan, outcomes, stopped) ? await unmarkEnvValues(tx, plan) : undefined;
    // Recorded with the apply's writes, and only when every change landed.
    return withCommit({ plan, outcomes, ...(envMarkLeft && { envMarkLeft }) }, await recordAppliedCommit(tx, plan, outcomes, { stopped }));
  });
  if (keyFile === undefined) return run;
  const forgotten = await forgetDeletedKeys(keyFile, run.outcomes);
  await settleJournal(keyFile, run, options.savedPlan === true);
  return { ...run, ...forgotten };
}

/** The credentials a plan has the portal make (each comes with a new key). */
function keysMade(plan: Plan): string[] {
  return plan.changes.filter((c) => SPECS[c.kind].issuesSecret === true && (c.action === 'create' || c.action === 'replace')).map((c) => c.address);
}

/**
 * What the journal keeps after a run that ended: a credential whose key is now in the file is
 * settled; so is one this run deleted, and one it planned to create but never asked for (stopped
 * or skipped: the plan saw none live); one a fresh plan neither made nor deleted was not live (the
 * plan would have made it again). A saved plan may not have looked at the journal: it settles only
 * what it ran. A failed create stays: whether the portal made it is not known.
 */
async function settleJournal(keyFile: string, run: AppliedRun, savedPlan: boolean): Promise<void> {
  const journal = await readJournal(keyFile);
  if (journal.size === 0) return;
  const keys = await readCredentials(keyFile);
  const planned = new Map(run.plan.changes.map((c) => [c.address, c.action]));
  const deleted = new Set(deletedCredentials(run.outcomes));
  const made = new Set(run.outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [o.change.address] : [])));
  const asked = new Set(run.outcomes.flatMap((o) => (o.status === 'skipped' ? [] : [o.change.address])));
  const settled = (a: string) =>
    Object.hasOwn(keys, a) || (deleted.has(a) && !made.has(a)) || (planned.get(a) === 'create' && !asked.has(a)) || (!savedPlan && !planned.has(a));
  await writeJournal(keyFile, new Set([...journal].filter((a) => !settled(a))));
}

function withCommit(run: AppliedRun, commit: CommitRecord | undefined): AppliedRun {
  return commit === undefined ? run : { ...run, commit };
}

/** Removes from the credentials file the keys of credentials this apply deleted (not those it made anew). */
async function forgetDeletedKeys(file: string, outcomes: readonly Outcome[]): Promise<Pick<AppliedRun, 'forgottenKeys'>> {
  const madeNow = new Set(outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [o.change.address] : [])));
  const gone = deletedCredentials(outcomes).filter((address) => !madeNow.has(address));
  if (gone.length === 0) return {};
  try {
    return { forgottenKeys: { removed: await removeCredentials(file, gone) } };
  } catch (cause) {
    const reason = cause instanceof UserError ? cause.message : ((cause as NodeJS.ErrnoException).code ?? String(cause));
    return { forgottenKeys: { error: `${file}: cannot remove the keys of deleted credentials (${reason})` } };
  }
}

/** The addresses of the secret-holding objects (credentials) this apply deleted, themselves or in a cascade. */
function deletedCredentials(outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter((o) => o.status === 'applied' && (o.change.action === 'delete' || o.change.action === 'replace'))
    .flatMap((o) => [o.change.address, ...(o.change.cascade ?? [])])
    .filter((address) => SPECS[splitAddress(address)[0]].issuesSecret === true);
}
