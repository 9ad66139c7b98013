import { join, sep } from 'node:path';
import { applyRun, type AppliedRun } from '../apply/apply-run.js';
import { BackendError, type Backend } from '../backends/backend.js';
import { formatProblem } from '../diagnostics/problems.js';
import { ConfigError, ExitCode, UserError } from '../errors.js';
import { addProvenance } from '../git/provenance.js';
import { redactCredentials, syncWorkDir, type GitSource } from '../git/work-dir.js';
import { incompleteCounts } from '../render/apply-report.js';
import { makePlan, type PlanInputs } from '../plan/make-plan.js';
import type { Plan } from '../types/plan.js';
import { countsOf, type EventName, type LogEvent } from './log.js';

/** What every cycle of one reconcile loop works with. */
export interface CycleSettings {
  source: GitSource;
  branch: string;
  /** The config folder, relative to the repository's root. */
  path: string;
  workDir: string;
  /** A backend for one cycle (opened anew each cycle: nothing is kept between cycles). */
  openBackend: (configPaths: string[]) => Backend;
  plan: PlanInputs;
  maxDeletes?: number;
  credentialsFile?: string;
  selfHeal: boolean;
  concurrency: number;
  /** Once aborted, the cycle starts no new write; what is in flight lands. */
  signal?: AbortSignal;
  log: (event: LogEvent) => void;
}

/** How a cycle ended: `ok`, `failed` (exit 1 for --once) or `refused` on purpose (exit 3). */
export type CycleResult = 'ok' | 'failed' | 'refused';

/**
 * One cycle: bring the work directory to the branch's head; a commit other than `lastApplied` is
 * planned and applied (as `apply --yes` would); the commit already applied is planned again and what
 * the plan would change is drift, reported change by change and, with --self-heal, applied back.
 * Everything that goes wrong ends the cycle with a log line, never the loop. Returns the commit
 * applied in full, if any, for the next cycle to compare with.
 */
export async function runCycle(settings: CycleSettings, lastApplied: string | undefined): Promise<{ result: CycleResult; applied?: string }> {
  const { log } = settings;
  let commit: string | undefined;
  try {
    commit = await syncWorkDir(settings.source, settings.branch, settings.workDir, settings.plan.env);
    const at = { commit };
    const configDir = join(settings.workDir, settings.path);
    const backend = settings.openBackend([configDir]);
    const plan = async (onWarning?: (message: string) => void, lostKeys?: ReadonlySet<string>) => {
      const made = await makePlan([configDir], backend, { ...settings.plan, ...(lostKeys && { lostKeys }) });
      if (onWarning) for (const w of made.warnings) onWarning(formatProblem(w));
      // The commit applied is recorded with the apply's writes, and read back by the next process.
      await addProvenance(made.plan, [configDir], backend);
      return made.plan;
    };

    // A new process (a cron running --once) learns from the portal's record what it last applied.
    const known = lastApplied ?? appliedCommit(await plan());
    if (commit !== known) {
      const run = await apply(backend, (lost) => plan((message) => log({ event: 'warning', ...at, message: inRepo(message, settings) }), lost));
      return ended(run, 'applied', commit);
    }
    if (!settings.selfHeal) {
      for (const change of (await plan()).changes) log({ event: 'drift', ...at, address: change.address, action: change.action });
      return { result: 'ok', applied: commit };
    }
    const run = await apply(backend, (lost) => plan(undefined, lost), (found) => {
      for (const change of found.changes) log({ event: 'drift', ...at, address: change.address, action: change.action });
    });
    return run.plan.changes.length === 0 ? { result: 'ok', applied: commit } : ended(run, 'healed', commit);
  } catch (cause) {
    const refused = cause instanceof UserError && cause.exitCode === ExitCode.refused;
    log({ event: refused ? 'refused' : 'failed', ...(commit !== undefined && { commit }), error: inRepo(reason(cause), settings) });
    return { result: refused ? 'refused' : 'failed' };
  }

  function apply(backend: Backend, plan: (lostKeys: ReadonlySet<string>) => Promise<Plan>, onPlan?: (plan: Plan) => void): Promise<AppliedRun> {
    return applyRun(backend, {
      plan,
      ...(onPlan && { onPlan }),
      ...(settings.maxDeletes !== undefined && { maxDeletes: settings.maxDeletes }),
      ...(settings.credentialsFile !== undefined && { credentialsFile: settings.credentialsFile }),
      // Nobody watches a reconcile loop: a new key goes to the credentials file or is never made.
      showsKeys: false,
      env: settings.plan.env,
      concurrency: settings.concurrency,
      ...(settings.signal && { signal: settings.signal }),
    });
  }

  /** The log lines of an apply that ran: each failed change, then the cycle's end. */
  function ended(run: AppliedRun, event: EventName, commit: string): { result: CycleResult; applied?: string } {
    const at = { commit };
    for (const o of run.outcomes) if (o.status === 'failed') log({ event: 'write-failed', ...at, address: o.change.address, action: o.change.action, error: o.error });
    const counts = countsOf(run.outcomes);
    const incomplete = incompleteCounts(run.outcomes, run.plan.changes.length);
    if (run.outcomes.length < run.plan.changes.length || incomplete.failed + incomplete.skipped > 0) {
      const stopped = settings.signal?.aborted === true && run.outcomes.length < run.plan.changes.length;
      log({ event: 'failed', ...at, counts, error: stopped ? `apply stopped after the writes in flight: ${incomplete.text}; the next run finishes it` : `apply incomplete: ${incomplete.text}` });
      return { result: 'failed' };
    }
    if (run.envMarkLeft !== undefined) log({ event: 'warning', ...at, message: run.envMarkLeft });
    if (run.forgottenKeys !== undefined && 'error' in run.forgottenKeys) {
      log({ event: 'failed', ...at, counts, error: run.forgottenKeys.error });
      return { result: 'failed', applied: commit };
    }
    log({ event, ...at, counts });
    return { result: 'ok', applied: commit };
  }
}

/** The commit the portal records as applied in full for the plan's namespace (a dirty one never counts). */
function appliedCommit(plan: Plan): string | undefined {
  return plan.applied !== undefined && !plan.applied.dirty ? plan.applied.commit : undefined;
}

/** One line for why a cycle failed: every problem of a config, each as file:line:col. */
function reason(cause: unknown): string {
  if (cause instanceof ConfigError) return cause.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ');
  if (cause instanceof Error) return cause instanceof UserError || cause instanceof BackendError ? cause.message : `internal error: ${cause.message}`;
  return String(cause);
}

/** Paths in the work directory as the repository names them (config/portal.yaml:3:5), credentials masked. */
function inRepo(text: string, settings: CycleSettings): string {
  return redactCredentials(text.split(settings.workDir + sep).join(''), settings.source);
}
