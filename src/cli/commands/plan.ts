import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ExitCode } from '../../errors.js';
import { colorEnabled, palette } from '../../render/color.js';
import { renderPlanJson } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';
import { makePlan } from '../../plan/make-plan.js';
import { addProvenance } from '../../git/provenance.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { reportProblems } from '../report-problems.js';

interface PlanOptions extends BackendOptions {
  format: 'text' | 'json' | 'markdown';
  out?: string;
  detailedExitcode?: boolean;
  adopt?: boolean;
}

export function registerPlan(program: Command, ctx: Context): void {
  addBackendOptions(
    program
      .command('plan')
      .description('show what apply would change in the portal, without changing anything')
      .argument('<paths...>', 'config files or directories (read recursively for *.yaml, *.yml and *.json)'),
  )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--out <file>', 'also save the plan as JSON (schemas/plan.schema.json)')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
    .option('--adopt', 'take over live objects with a matching key that carry no owner label')
    .action(async (paths: string[], options: PlanOptions) => {
      checkNamespaceFlag(options.namespace);
      const backend = openBackend(options, ctx.io);
      const { plan, warnings } = await makePlan(paths, backend, { env: ctx.io.env, ...(options.namespace !== undefined && { namespace: options.namespace }), adopt: options.adopt === true });
      reportProblems(ctx.io, warnings);
      await addProvenance(plan, paths, backend);
      if (options.format === 'json') ctx.io.stdout(renderPlanJson(plan));
      else if (options.format === 'markdown') ctx.io.stdout(renderPlanMarkdown(plan));
      else ctx.io.stdout(renderPlanText(plan, palette(colorEnabled(ctx.io.stdoutIsTTY, ctx.io.env, ctx.noColor))));
      if (options.out !== undefined) await writeFileAtomic(options.out, renderPlanJson(plan));
      if (options.detailedExitcode && plan.changes.length > 0) ctx.exitCode = ExitCode.changes;
    });
}
