import type { Command } from 'commander';
import { applyRun, type AppliedRun } from '../../apply/apply-run.js';
import { addProvenance } from '../../git/provenance.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { ExitCode, UserError } from '../../errors.js';
import { makePlan } from '../../plan/make-plan.js';
import { checkNotStale, checkPlanTarget, readSavedPlan } from '../../plan/saved-plan.js';
import { appliedSummary, incompleteCounts, keysShownOnce, outcomeLine } from '../../render/apply-report.js';
import { colorEnabled, palette } from '../../render/color.js';
import { renderPlanText } from '../../render/text.js';
import { addBackendOptions, CONCURRENCY_HELP, openBackend, writeConcurrency, type BackendOptions } from '../backend-options.js';
import { confirm } from '../confirm.js';
import type { Context } from '../context.js';
import { reportProblems } from '../report-problems.js';
import { describeStop, stopCause, stopExitCode } from '../stop.js';
import { wholeNumber } from '../whole-number.js';

interface ApplyOptions extends BackendOptions {
  plan?: string;
  yes?: boolean;
  maxDeletes?: string;
  credentialsOut?: string;
  adopt?: boolean;
  concurrency?: string;
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
    .option('--concurrency <n>', CONCURRENCY_HELP)
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
      const concurrency = writeConcurrency(options);
      checkInputs(paths, options);
      const backend = openBackend(options, ctx.io);
      const saved = options.plan === undefined ? undefined : await readSavedPlan(options.plan);
      if (saved) checkPlanTarget(saved, options.plan!, backend);
      const keyFile = options.credentialsOut;

      // From taking the lock to the report, SIGINT and SIGTERM stop the apply: no new writes start,
      // what landed is saved and the lock released (a signal's default would leave both behind).
      const untrap = io.trapSignals?.((signal) => io.stderr(`${signal}: stopping after the writes in flight; what landed is saved\n`)) ?? (() => undefined);
      try {
        // On a terminal each line says how far the apply has got: [12/240].
        let done = 0;
        let total = 0;
        const progress = () => (io.stdoutIsTTY ? colors.dim(`[${++done}/${total}] `) : '');
        const run = await applyRun(backend, {
          plan: async (lostKeys) => {
            if (saved) {
              // A saved plan runs as it was reviewed, or not at all.
              checkNotStale(saved, await backend.read());
              return saved;
            }
            const made = await makePlan(paths, backend, { env: io.env, ...(options.namespace !== undefined && { namespace: options.namespace }), adopt: options.adopt === true, lostKeys });
            reportProblems(io, made.warnings);
            await addProvenance(made.plan, paths, backend);
            return made.plan;
          },
          onPlan: (plan) => {
            io.stdout(renderPlanText(plan, colors));
            total = plan.changes.length;
          },
          ...(maxDeletes !== undefined && { maxDeletes }),
          ...(keyFile !== undefined && { credentialsFile: keyFile }),
          savedPlan: saved !== undefined,
          showsKeys: io.stdoutIsTTY,
          beforeWrites: async () => {
            await stopIfAsked(io.stop);
            if (!options.yes) {
              if (!io.stdinIsTTY) throw new UserError('apply asks for confirmation on a terminal; pass --yes to apply without asking (nothing applied)');
              const yes = await confirm('Apply these changes? Only "yes" is accepted: ', io.stop);
              // Ctrl-C at the prompt is an answer (no), whether the terminal sent it as a key or as SIGINT.
              if (stopCause(io.stop) !== 'SIGINT') await stopIfAsked(io.stop);
              if (!yes) throw new UserError('apply cancelled: nothing applied', ExitCode.refused);
            }
            io.stdout('\n');
          },
          env: io.env,
          concurrency,
          ...(io.stop && { signal: io.stop }),
          onOutcome: (o) => io.stdout(progress() + outcomeLine(o, colors) + '\n'),
        });
        report(run);
      } finally {
        untrap();
      }

      function report({ plan, outcomes, forgottenKeys, commit, envMarkLeft }: AppliedRun): void {
        const secrets = outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [[o.change.address, o.secret] as const] : []));
        if (secrets.length > 0) {
          if (keyFile !== undefined) io.stdout(`wrote ${secrets.length} new credential ${secrets.length === 1 ? 'key' : 'keys'} to ${keyFile}\n`);
          else io.stdout(keysShownOnce(secrets).join('\n') + '\n');
        }
        if (forgottenKeys !== undefined) {
          if ('error' in forgottenKeys) {
            io.stderr(`error: ${forgottenKeys.error}\n`);
            ctx.exitCode = ExitCode.error;
          } else if (forgottenKeys.removed > 0) {
            io.stdout(`removed ${forgottenKeys.removed} ${forgottenKeys.removed === 1 ? 'key' : 'keys'} of deleted credentials from ${keyFile}\n`);
          }
        }
        if (outcomes.length > 0) io.stdout(appliedSummary(outcomes).join('\n') + '\n');
        const requests = backend.requestCounts?.();
        if (requests !== undefined) {
          const line = `${requests.requests} ${requests.requests === 1 ? 'request' : 'requests'} to ${backend.type}, ${requests.retried} retried\n`;
          io.stdout(line);
          if (options.debug) io.stderr(`debug: ${line}`);
        }

        if (commit?.recorded) io.stdout(`${commit.line}\n`);
        if (envMarkLeft !== undefined) io.stderr(`warning: ${envMarkLeft}\n`);
        const unrecorded = commit !== undefined && !commit.recorded ? `; ${commit.line}` : '';

        const total = plan.changes.length;
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
    });
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
