import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { applyRun, type AppliedRun } from '../../apply/apply-run.js';
import { BackendError } from '../../backends/backend.js';
import { BACKEND_NAMES, type BackendName } from '../../backends/registry.js';
import { findConfigFiles } from '../../config/files.js';
import { loadDesired } from '../../config/load.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { formatProblem, type Problem } from '../../diagnostics/problems.js';
import { ConfigError, ExitCode, UserError } from '../../errors.js';
import { convertConfig } from '../../migrate/convert-config.js';
import { checkOutFolder, configFiles, writeOutFolder } from '../../migrate/out-folder.js';
import { renderReport, summaryText, type MigrationFacts } from '../../migrate/report.js';
import { checkDumpHeaders, SOURCE_BACKENDS, type SourceBackend } from '../../migrate/source.js';
import { makePlan } from '../../plan/make-plan.js';
import { appliedSummary, incompleteCounts, keysShownOnce, outcomeLine } from '../../render/apply-report.js';
import { colorEnabled, palette } from '../../render/color.js';
import { renderPlanText } from '../../render/text.js';
import type { Plan } from '../../types/plan.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { addBackendOptions, CONCURRENCY_HELP, openBackend, writeConcurrency, type BackendOptions } from '../backend-options.js';
import { confirm } from '../confirm.js';
import type { Context } from '../context.js';
import { describeStop, stopCause, stopExitCode } from '../stop.js';
import { wholeNumber } from '../whole-number.js';

interface MigrateOptions extends BackendOptions {
  from: SourceBackend;
  to: BackendName;
  out: string;
  report?: string;
  force?: boolean;
  apply?: boolean;
  yes?: boolean;
  maxDeletes?: string;
  credentialsOut?: string;
  concurrency?: string;
}

export function registerMigrate(program: Command, ctx: Context): void {
  const command = program
    .command('migrate')
    .description('convert a dumped portal (dump --out) into config for another backend, plan it there and report what carries over; --apply applies it')
    .argument('<paths...>', 'the dumped config: the folder `dump --out` wrote (files or folders)')
    .addOption(new Option('--from <backend>', 'the backend the config was dumped from').choices(SOURCE_BACKENDS).makeOptionMandatory())
    .addOption(new Option('--to <backend>', 'the backend to migrate to (its options below: --konnect-url/--region, --portal, --portal-url, --state)').choices(BACKEND_NAMES).makeOptionMandatory())
    .requiredOption('--out <dir>', 'where the converted config is written (one file per section): the config to commit for the target')
    .option('--report <file>', 'the migration report (markdown; default <out>/MIGRATION.md)')
    .option('--force', 'write into a non-empty --out, replacing the files migrate writes there')
    .option('--apply', 'apply the plan to the target (as apply does); without it nothing changes on either side')
    .option('-y, --yes', 'with --apply: apply without asking (required when not run from a terminal)')
    .option('--max-deletes <n>', 'with --apply: refuse (exit 3) a plan that deletes more than n objects')
    .option('--credentials-out <file>', 'with --apply: write the re-issued credential keys to this file (JSON, mode 0600)')
    .option('--concurrency <n>', `with --apply: ${CONCURRENCY_HELP}`);
  addBackendOptions(command);
  // The target is --to: --backend would read as the source's.
  command.options.find((o) => o.long === '--backend')?.hideHelp();
  command
    .addHelpText(
      'after',
      '\nA migration is two commands, e.g. from the classic Dev Portal to v3:\n' +
        '  portalctl dump --backend konnect-classic [--konnect-url URL --portal P --portal-url URL] --out classic/\n' +
        '  portalctl migrate classic/ --from konnect-classic --to konnect [--konnect-url URL --portal P --portal-url URL] --out v3/\n' +
        'The second writes v3/ (the source without what the target cannot hold) and v3/MIGRATION.md: what carries over, the\n' +
        'applications whose keys must be re-issued (keys cannot be read, so the apply creates new ones), the fields and owners\n' +
        'left out, and the registrations whose status an admin sets. It only reads the target. Add --apply --credentials-out\n' +
        'keys.json (and --yes off a terminal) to apply that plan, with the same checks as apply. Afterwards, plan v3/ as usual.\n',
    )
    .action(async (paths: string[], options: MigrateOptions, self: Command) => {
      const io = ctx.io;
      if (self.getOptionValueSource('backend') === 'cli') throw new UserError('migrate names the target with --to and the source with --from, not --backend');
      if (!options.apply) {
        const flags = [['--yes', options.yes], ['--max-deletes', options.maxDeletes], ['--credentials-out', options.credentialsOut]] as const;
        const given = flags.find(([, value]) => value !== undefined);
        if (given) throw new UserError(`${given[0]} goes with --apply: without it migrate changes nothing`);
      }
      checkNamespaceFlag(options.namespace);
      const maxDeletes = options.maxDeletes === undefined ? undefined : wholeNumber('--max-deletes', options.maxDeletes);
      const concurrency = writeConcurrency(options);
      await checkOutFolder(options.out, paths, options.force === true);

      // The source: a dumped folder, read and validated by the normal loader (no target needed).
      const headerNote = await checkDumpHeaders((await findConfigFiles(paths)).files, options.from);
      const loaded = await loadDesired(paths, { env: io.env, ...(options.namespace !== undefined && { namespace: options.namespace }) });
      if (!loaded.desired) throw new ConfigError(loaded.problems);
      const source = loaded.desired;

      const backend = openBackend({ ...options, backend: options.to, configPaths: [options.out] }, io);
      const converted = await convertConfig(source.files, source, { capabilities: backend.capabilities, dropOwners: options.from === 'konnect-classic' && (options.to as string) !== 'konnect-classic' });
      // A portal named in the source is the source's, unless both sides are one backend.
      const portal = options.portal ?? (options.from === options.to ? source.portal : undefined);
      const files = configFiles(converted, {
        namespace: source.namespace,
        ...(portal !== undefined && { portal }),
        comment: `written by portalctl migrate --from ${options.from} --to ${options.to}: the migration report says what was left out`,
      });
      const written = await writeOutFolder(options.out, files);
      const reportFile = options.report ?? join(options.out, 'MIGRATION.md');

      const facts: MigrationFacts = {
        from: options.from,
        to: options.to,
        target: backend.target,
        sources: paths,
        out: options.out,
        written,
        namespace: source.namespace,
        source,
        converted,
        ...(source.portal !== undefined && portal !== source.portal && { droppedPortal: source.portal }),
        notes: [...(headerNote === undefined ? [] : [headerNote]), ...loaded.problems.map(formatProblem)],
      };
      const planOut = async (lostKeys?: ReadonlySet<string>): Promise<Plan> => {
        const made = await makePlan([options.out], backend, { env: io.env, ...(options.namespace !== undefined && { namespace: options.namespace }), ...(lostKeys && { lostKeys }) });
        facts.notes = [...facts.notes, ...made.warnings.map(formatProblem), ...made.plan.warnings];
        facts.plan = made.plan;
        return made.plan;
      };
      const finish = async (): Promise<void> => {
        await writeFileAtomic(reportFile, renderReport(facts));
        io.stdout(summaryText(facts).join('\n') + '\n');
        for (const file of [...written, reportFile]) io.stdout(`wrote ${file}\n`);
      };
      /** A stop is in the report too (what stops the plan), then reported as any error is. */
      const stopWith = async (cause: unknown): Promise<never> => {
        // A config the target refuses, a refused plan, a portal that cannot be read.
        if (cause instanceof UserError || cause instanceof BackendError) {
          facts.stopped = cause instanceof ConfigError ? cause.problems.map((p: Problem) => formatProblem(p)) : [cause.message];
          await finish();
        }
        throw cause;
      };

      if (!options.apply) {
        await planOut().catch(stopWith);
        await finish();
        io.stdout('dry run: nothing changed on either side; --apply applies this plan\n');
        return;
      }

      const colors = palette(colorEnabled(io.stdoutIsTTY, io.env, ctx.noColor));
      const keyFile = options.credentialsOut;
      const untrap = io.trapSignals?.((signal) => io.stderr(`${signal}: stopping after the writes in flight; what landed is saved\n`)) ?? (() => undefined);
      let run: AppliedRun;
      try {
        run = await applyRun(backend, {
          plan: planOut,
          onPlan: (plan) => io.stdout(renderPlanText(plan, colors)),
          ...(maxDeletes !== undefined && { maxDeletes }),
          ...(keyFile !== undefined && { credentialsFile: keyFile }),
          showsKeys: io.stdoutIsTTY,
          beforeWrites: async () => {
            if (options.yes) return;
            if (!io.stdinIsTTY) throw new UserError('migrate --apply asks for confirmation on a terminal; pass --yes to apply without asking (nothing applied)');
            if (!(await confirm('Apply this migration? Only "yes" is accepted: ', io.stop))) throw new UserError('migration cancelled: nothing applied', ExitCode.refused);
            io.stdout('\n');
          },
          env: io.env,
          concurrency,
          ...(io.stop && { signal: io.stop }),
          onOutcome: (o) => io.stdout(outcomeLine(o, colors) + '\n'),
        }).catch(stopWith);
      } finally {
        untrap();
      }

      const { outcomes, plan } = run;
      facts.applied = { outcomes, total: plan.changes.length, ...(keyFile !== undefined && { credentialsFile: keyFile }) };
      const secrets = outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [[o.change.address, o.secret] as const] : []));
      if (outcomes.length > 0) io.stdout(appliedSummary(outcomes).join('\n') + '\n');
      if (secrets.length > 0) {
        if (keyFile !== undefined) io.stdout(`wrote ${secrets.length} new credential ${secrets.length === 1 ? 'key' : 'keys'} to ${keyFile}\n`);
        else io.stdout(keysShownOnce(secrets).join('\n') + '\n');
      }
      const counts = incompleteCounts(outcomes, plan.changes.length);
      const stopped = stopCause(io.stop);
      if (stopped !== undefined && plan.changes.length > 0) facts.stopped = [`apply ${describeStop(stopped)}: ${counts.text}; run migrate --apply again to finish`];
      else if (counts.failed + counts.skipped > 0) facts.stopped = [`apply incomplete: ${counts.text}; fix the cause and run migrate --apply again`];
      await finish();
      if (facts.stopped !== undefined) {
        io.stderr(`${facts.stopped[0]}\n`);
        ctx.exitCode = stopped !== undefined ? stopExitCode(stopped) : ExitCode.error;
      }
    });
}
