import type { Command } from 'commander';
import { execute, type Outcome } from '../../apply/executor.js';
import { ExitCode, UserError } from '../../errors.js';
import { colorEnabled, palette } from '../../render/color.js';
import { changeLine, renderPlanText, summaryLines } from '../../render/text.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';
import { confirm } from '../confirm.js';
import { readCredentials, writeCredentials } from '../credentials-out.js';
import { loadAndPlan } from '../load-plan.js';

interface ApplyOptions extends BackendOptions {
  yes?: boolean;
  maxDeletes?: string;
  credentialsOut?: string;
  adopt?: boolean;
  concurrency: string;
}

const DONE = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted' } as const;

export function registerApply(program: Command, ctx: Context): void {
  addBackendOptions(
    program
      .command('apply')
      .description('plan, then make the portal match the config')
      .argument('<paths...>', 'YAML files or directories'),
  )
    .option('-y, --yes', 'apply without asking (required when not run from a terminal)')
    .option('--max-deletes <n>', 'refuse (exit 3) a plan that deletes more than n objects')
    .option('--credentials-out <file>', 'write new credential keys to this file (JSON, mode 0600, merged into an existing file)')
    .option('--adopt', 'take over live objects with a matching key that carry no owner label')
    .option('--concurrency <n>', 'writes in flight at once', '8')
    .addHelpText(
      'after',
      '\nNew credential keys are never logged. Without --credentials-out they are shown once on a terminal;\n' +
        'a run that is not on a terminal and would create credentials refuses (exit 3) before changing anything.\n',
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      const io = ctx.io;
      const colors = palette(colorEnabled(io.stdoutIsTTY, io.env, ctx.noColor));
      const maxDeletes = options.maxDeletes === undefined ? undefined : wholeNumber('--max-deletes', options.maxDeletes);
      const concurrency = Math.max(1, wholeNumber('--concurrency', options.concurrency));
      const backend = openBackend(options);
      if (options.credentialsOut !== undefined) await readCredentials(options.credentialsOut);

      // The lock is held from reading the live state to the last write: nothing changes in between.
      const outcomes = await backend.transaction(async (tx) => {
        const { desired, live, plan } = await loadAndPlan(paths, backend, options, io);
        io.stdout(renderPlanText(plan, colors));
        if (plan.changes.length === 0) return [];

        // A replace deletes too, and a delete counts what it takes with it.
        const deletes = plan.summary.delete + plan.summary.replace;
        if (maxDeletes !== undefined && deletes > maxDeletes) {
          throw new UserError(`the plan deletes ${deletes} objects, more than --max-deletes ${maxDeletes}: nothing applied`, ExitCode.refused);
        }
        const newCredentials = plan.changes.some((c) => c.kind === 'credential' && c.action === 'create');
        if (newCredentials && options.credentialsOut === undefined && !io.stdoutIsTTY) {
          throw new UserError(
            'the plan creates credentials and their keys can be shown only once: pass --credentials-out FILE (nothing applied)',
            ExitCode.refused,
          );
        }
        if (!options.yes) {
          if (!io.stdinIsTTY) throw new UserError('apply asks for confirmation on a terminal; pass --yes to apply without asking (nothing applied)');
          if (!(await confirm('Apply these changes? Only "yes" is accepted: '))) throw new UserError('apply cancelled: nothing applied', ExitCode.refused);
        }

        io.stdout('\n');
        // On a terminal each line says how far the apply has got: [12/240].
        let done = 0;
        const total = plan.changes.length;
        const progress = () => (io.stdoutIsTTY ? colors.dim(`[${++done}/${total}] `) : '');
        return execute(plan.changes, desired, live, tx, {
          concurrency,
          onOutcome: (o) => io.stdout(progress() + outcomeLine(o, colors) + '\n'),
        });
      });

      const landed = outcomes.filter((o) => o.status === 'applied').map((o) => o.change);
      const applied = (action: string) => landed.filter((c) => c.action === action).length;
      const deleted = landed.reduce((n, c) => n + (c.action === 'delete' ? 1 + (c.cascade?.length ?? 0) : 0), 0);
      const secrets = outcomes.flatMap((o) => (o.status === 'applied' && o.secret !== undefined ? [[o.change.address, o.secret] as const] : []));
      if (secrets.length > 0) {
        if (options.credentialsOut !== undefined) {
          await writeCredentials(options.credentialsOut, Object.fromEntries(secrets));
          io.stdout(`wrote ${secrets.length} new credential ${secrets.length === 1 ? 'key' : 'keys'} to ${options.credentialsOut}\n`);
        } else {
          io.stdout('\nNew credential keys (shown once, store them now):\n');
          for (const [address, key] of secrets) io.stdout(`  ${address}: ${key}\n`);
        }
      }
      if (outcomes.length > 0) io.stdout(summaryLines({ create: applied('create'), update: applied('update'), replace: applied('replace'), delete: deleted }).join('\n') + '\n');

      const failed = outcomes.filter((o) => o.status === 'failed').length;
      const skipped = outcomes.filter((o) => o.status === 'skipped').length;
      if (failed + skipped > 0) {
        io.stderr(`apply incomplete: ${outcomes.length - failed - skipped} applied, ${failed} failed, ${skipped} skipped; fix the cause and apply again\n`);
        ctx.exitCode = ExitCode.error;
      }
    });
}

function outcomeLine(o: Outcome, colors: ReturnType<typeof palette>): string {
  switch (o.status) {
    case 'applied':
      return changeLine(o.change, colors, DONE);
    case 'failed':
      return colors.red(`failed: ${changeLine(o.change, colors)}: ${o.error}`);
    case 'skipped':
      return colors.dim(`skipped: ${changeLine(o.change, colors)}: depends on ${o.because}, which did not apply`);
  }
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UserError(`${flag} takes a whole number, not "${text}"`);
  return Number(text);
}
