import type { Command } from 'commander';
import { loadDesired } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import { reportProblems } from '../report-problems.js';
import { validSummary } from '../../render/validate-report.js';
import type { Context } from '../context.js';

export function registerValidate(program: Command, ctx: Context): void {
  program
    .command('validate')
    .description('check config files against the schema and against each other, without touching any portal')
    .argument('<paths...>', 'config files or directories (read recursively for *.yaml, *.yml and *.json)')
    .addHelpText(
      'after',
      '\nPrints every problem as FILE:LINE:COL: message and exits 1, or a one-line summary and exits 0.\n' +
        'References into a section no file declares (e.g. applications without products) are warnings.\n',
    )
    .action(async (paths: string[]) => {
      const { desired, problems } = await loadDesired(paths, { env: ctx.io.env });
      if (!desired) throw new ConfigError(problems);
      reportProblems(ctx.io, problems);
      ctx.io.stdout(validSummary(desired) + '\n');
    });
}
