import type { Command } from 'commander';
import { checkCredentialsOut, CredentialsSink, removeCredentials } from '../../apply/credentials-file.js';
import { execute, type Outcome } from '../../apply/executor.js';
import { recordAppliedCommit, type CommitRecord } from '../../apply/record-commit.js';
import { addProvenance } from '../../git/provenance.js';
import { changedValues, unresolvedVariables } from '../../apply/planned-resource.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { ExitCode, UserError } from '../../errors.js';
import { splitAddress } from '../../model/kind.js';
import { SPECS } from '../../model/kinds/index.js';
import { makePlan } from '../../plan/make-plan.js';
import { checkDeleteLimit, checkSecretsHaveAHome } from '../../plan/policy.js';
import { checkNotStale, checkPlanTarget, readSavedPlan } from '../../plan/saved-plan.js';
import { appliedSummary, incompleteCounts, keysShownOnce, outcomeLine } from '../../render/apply-report.js';
import { colorEnabled, palette } from '../../render/color.js';
import { renderPlanText } from '../../render/text.js';
import type { Change, Plan } from '../../types/plan.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import { confirm } from '../confirm.js';
import type { Context } from '../context.js';
import { reportProblems } from '../report-problems.js';
import { describeStop, stopCause, stopExitCode } from '../stop.js';

interface ApplyOptions extends BackendOptions {
  plan?: string;
  yes?: boolean;
  maxDeletes?: string;
  credentialsOut?: string;
  adopt?: boolean;
  concurrency: string;
}

export function registerApply(program: Command, ctx: Context): void {
  addBackendOptions(
    program
      .command('apply')
      .description('plan, then make the portal match the config; or apply a saved plan (plan --out) exactly')
      .argument('[paths...]', 'config files or directories (not with --plan)'),
  )
    .option('--plan <file>', 'apply exactly this saved plan; refused (exit 3) when an object it changes changed since it was made')
    .option('-y, --yes', 'apply without asking (required when not run from a terminal)')
    .option('--max-deletes <n>', 'refuse (exit 3) a plan that deletes more than n objects')
    .option('--credentials-out <file>', 'write new credential keys to this file as they are made (JSON, mode 0600, merged into an existing file)')
    .option('--adopt', 'take over live objects with a matching key that carry no owner label')
    .option('--concurrency <n>', 'writes in flight at once', '8')
    .addHelpText(
      'after',
      '\nNew credential keys are never logged. --credentials-out is checked before anything changes; each key is\n' +
        'in it before its credential counts as made, and keys of credentials the apply deletes are removed from it.\n' +
        'Without it keys are shown once on a terminal; a run that is not on a terminal and would create\n' +
        'credentials refuses (exit 3) before changing anything. SIGINT or SIGTERM stops the apply: writes in\n' +
        'flight finish, what landed is saved, the report says what did not (exit 130 or 143).\n',
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      const io = ctx.io;
      const colors = palette(colorEnabled(io.stdoutIsTTY, io.env, ctx.noColor));
      const maxDeletes = options.maxDeletes === undefined ? undefined : wholeNumber('--max-deletes', options.maxDeletes);
      const concurrency = Math.max(1, wholeNumber('--concurrency', options.concurrency));
      checkInputs(paths, options);
      const backend = openBackend(options, ctx.io);
      const saved = options.plan === undefined ? undefined : await readSavedPlan(options.plan);
      if (saved) checkPlanTarget(saved, options.plan!, backend);
      const keyFile = options.credentialsOut;
      // Before anything changes: a key that cannot be written must never be made.
      if (keyFile !== undefined) await checkCredentialsOut(keyFile, backend.type === 'local' ? backend.target : undefined);
      const sink = keyFile === undefined ? undefined : new CredentialsSink(keyFile);

      // From taking the lock to the report, SIGINT and SIGTERM stop the apply: no new writes start,
      // what landed is saved and the lock released (a signal's default would leave both behind).
      const untrap = io.trapSignals?.((signal) => io.stderr(`${signal}: stopping after the writes in flight; what landed is saved\n`)) ?? (() => undefined);
      try {
        // The lock is held from reading the live state to the last write: nothing changes in between.
        const run = await backend.transaction(async (tx) => {
          let plan: Plan;
          if (saved) {
            // A saved plan runs as it was reviewed, or not at all.
            checkNotStale(saved, await backend.read());
            plan = saved;
          } else {
            const made = await makePlan(paths, backend, { env: io.env, ...(options.namespace !== undefined && { namespace: options.namespace }), adopt: options.adopt === true });
            reportProblems(io, made.warnings);
            plan = made.plan;
            await addProvenance(plan, paths, backend);
          }
          io.stdout(renderPlanText(plan, colors));
          // Nothing to change: the portal already matches the plan's commit.
          if (plan.changes.length === 0) return { total: 0, outcomes: [] as Outcome[], commit: await recordAppliedCommit(tx, plan, []) };

          checkDeleteLimit(plan, maxDeletes);
          checkSecretsHaveAHome(plan, { credentialsFile: keyFile !== undefined, terminal: io.stdoutIsTTY });
          const unmet = backend.unmet?.(plan);
          if (unmet !== undefined) throw new UserError(`this plan cannot be applied: ${unmet} (nothing applied)`, ExitCode.refused);
          const unset = unresolvedVariables(plan, io.env);
          if (unset.length > 0) throw new UserError(`the plan reads environment variables that are not set: ${unset.join(', ')} (nothing applied)`);
          const changed = changedValues(plan, io.env);
          if (changed.length > 0) {
            throw new UserError(`values from the environment changed since the plan was made: ${changed.join(', ')}; plan again (nothing applied)`, ExitCode.refused);
          }
          await stopIfAsked(io.stop);
          if (!options.yes) {
            if (!io.stdinIsTTY) throw new UserError('apply asks for confirmation on a terminal; pass --yes to apply without asking (nothing applied)');
            const yes = await confirm('Apply these changes? Only "yes" is accepted: ', io.stop);
            // Ctrl-C at the prompt is an answer (no), whether the terminal sent it as a key or as SIGINT.
            if (stopCause(io.stop) !== 'SIGINT') await stopIfAsked(io.stop);
            if (!yes) throw new UserError('apply cancelled: nothing applied', ExitCode.refused);
          }

          io.stdout('\n');
          // On a terminal each line says how far the apply has got: [12/240].
          let done = 0;
          const total = plan.changes.length;
          const progress = () => (io.stdoutIsTTY ? colors.dim(`[${++done}/${total}] `) : '');
          const outcomes = await execute(plan, tx, {
            concurrency,
            env: io.env,
            signal: io.stop,
            onOutcome: (o) => io.stdout(progress() + outcomeLine(o, colors) + '\n'),
            // Each new key is in the credentials file before its credential counts as made (and is saved).
            ...(sink && { onSecret: (change: Change, secret: string) => sink.add(change.address, secret) }),
          });
          return { total, outcomes, commit: await recordAppliedCommit(tx, plan, outcomes, { stopped: stopCause(io.stop) !== undefined }) };
        });
        await report(run.outcomes, run.total, run.commit);
      } finally {
        untrap();
      }

      async function report(outcomes: Outcome[], total: number, commit: CommitRecord | undefined): Promise<void> {
        const secrets = outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [[o.change.address, o.secret] as const] : []));
        if (secrets.length > 0) {
          if (keyFile !== undefined) io.stdout(`wrote ${secrets.length} new credential ${secrets.length === 1 ? 'key' : 'keys'} to ${keyFile}\n`);
          else io.stdout(keysShownOnce(secrets).join('\n') + '\n');
        }
        if (keyFile !== undefined) await forgetDeletedKeys(keyFile, outcomes, new Set(secrets.map(([address]) => address)));
        if (outcomes.length > 0) io.stdout(appliedSummary(outcomes).join('\n') + '\n');
        const requests = backend.requestCounts?.();
        if (requests !== undefined) {
          const line = `${requests.requests} ${requests.requests === 1 ? 'request' : 'requests'} to ${backend.type}, ${requests.retried} retried\n`;
          io.stdout(line);
          if (options.debug) io.stderr(`debug: ${line}`);
        }

        if (commit?.recorded) io.stdout(`${commit.line}\n`);
        const unrecorded = commit !== undefined && !commit.recorded ? `; ${commit.line}` : '';

        const counts = incompleteCounts(outcomes, total);
        const stopped = stopCause(io.stop);
        if (stopped !== undefined && total > 0) {
          io.stderr(`apply ${describeStop(stopped)}: ${counts.text}${unrecorded}; apply again to finish\n`);
          ctx.exitCode = stopExitCode(stopped);
        } else if (counts.failed + counts.skipped > 0) {
          io.stderr(`apply incomplete: ${counts.text}${unrecorded}; fix the cause and apply again\n`);
          ctx.exitCode = ExitCode.error;
        } else if (unrecorded !== '') {
          io.stderr(`warning: ${commit!.line}\n`);
        }
      }

      /** Removes from the credentials file the keys of credentials this apply deleted (not those it made anew). */
      async function forgetDeletedKeys(file: string, outcomes: Outcome[], madeNow: Set<string>): Promise<void> {
        const gone = deletedCredentials(outcomes).filter((address) => !madeNow.has(address));
        if (gone.length === 0) return;
        let removed: number;
        try {
          removed = await removeCredentials(file, gone);
        } catch (cause) {
          io.stderr(`error: ${file}: cannot remove the keys of deleted credentials (${cause instanceof UserError ? cause.message : ((cause as NodeJS.ErrnoException).code ?? String(cause))})\n`);
          ctx.exitCode = ExitCode.error;
          return;
        }
        if (removed > 0) io.stdout(`removed ${removed} ${removed === 1 ? 'key' : 'keys'} of deleted credentials from ${file}\n`);
      }
    });
}

/** The addresses of the secret-holding objects (credentials) this apply deleted, themselves or in a cascade. */
function deletedCredentials(outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter((o) => o.status === 'applied' && (o.change.action === 'delete' || o.change.action === 'replace'))
    .flatMap((o) => [o.change.address, ...(o.change.cascade ?? [])])
    .filter((address) => SPECS[splitAddress(address)[0]].issuesSecret === true);
}

/** Ends the apply, nothing applied, when it was asked to stop (a signal, standard output closing). */
async function stopIfAsked(stop: AbortSignal | undefined): Promise<void> {
  // A closed pipe is reported by an event after the write: let it arrive before deciding.
  await new Promise((resolve) => setImmediate(resolve));
  const cause = stopCause(stop);
  if (cause !== undefined) throw new UserError(`apply ${describeStop(cause)}: nothing applied`, stopExitCode(cause));
}

/** Config paths or a saved plan, not both; plan-time options only with config paths. */
function checkInputs(paths: readonly string[], options: ApplyOptions): void {
  if (options.plan === undefined) {
    if (paths.length === 0) throw new UserError('apply needs config files or directories, or --plan FILE');
    checkNamespaceFlag(options.namespace);
    return;
  }
  if (paths.length > 0) throw new UserError('apply takes config paths or --plan FILE, not both');
  // The plan already says what to do: these were decided when it was made.
  for (const [flag, given] of [['--namespace', options.namespace !== undefined], ['--adopt', options.adopt === true]] as const) {
    if (given) throw new UserError(`${flag} belongs to the plan: it was decided by plan --out, not by apply --plan`);
  }
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UserError(`${flag} takes a whole number, not "${text}"`);
  return Number(text);
}
