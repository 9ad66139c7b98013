import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ExitCode } from '../../errors.js';
import { colorEnabled, palette } from '../../render/color.js';
import { renderPlanJson, renderPlanJsonParts } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';
import { makePlan, type PlanInputs } from '../../plan/make-plan.js';
import { lostKeys } from '../../apply/key-journal.js';
import { addProvenance } from '../../git/provenance.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { reportProblems } from '../report-problems.js';
import { blameSources } from '../../git/blame.js';
import { Repository } from '../../git/repository.js';
import { configAtRef } from '../../git/config-at-ref.js';

interface PlanOptions extends BackendOptions {
  format: 'text' | 'json' | 'markdown';
  out?: string;
  detailedExitcode?: boolean;
  adopt?: boolean;
  base?: string;
  blame?: boolean;
  credentialsOut?: string;
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
    .option('--base <ref>', 'tell this change from drift: compare with the config at this git ref too (e.g. origin/main, HEAD~1)')
    .option('--blame', 'name the commit, author and date that last touched the line declaring each change')
    .option('--credentials-out <file>', "the credentials file apply will write to (only read): credentials an interrupted apply made without saving their keys there plan to be made again")
    .addHelpText(
      'after',
      '\nEvery change names the file and line that declare it. With --base REF, the config as it stands at\n' +
        'REF is read from git (the work tree and index are left alone) and the plan is shown in two parts:\n' +
        'what this change introduces (the config vs the config at REF), and drift (the portal differs from\n' +
        'the config at REF: it was changed outside git). A delete names where REF declared it. A config at\n' +
        'REF that does not load is a warning: every change is then shown as introduced. --blame adds the\n' +
        'commit, author and date of each declaring line (at REF for a delete; uncommitted lines say so).\n' +
        'Both need PATHS in a git work tree. apply takes no --base: it applies every change, introduced\n' +
        'and drift alike.\n',
    )
    .action(async (paths: string[], options: PlanOptions) => {
      checkNamespaceFlag(options.namespace);
      // Git first: a bad ref or a config outside git fails before the portal is read.
      const { repo, base } = await gitInputs(paths, options);
      const backend = openBackend(options, ctx.io);
      const { plan, warnings } = await makePlan(paths, backend, {
        env: ctx.io.env,
        ...(options.namespace !== undefined && { namespace: options.namespace }),
        adopt: options.adopt === true,
        ...(base !== undefined && { base }),
        ...(options.credentialsOut !== undefined && { lostKeys: await lostKeys(options.credentialsOut) }),
      });
      if (options.blame && repo) await blameSources(plan, repo);
      reportProblems(ctx.io, warnings);
      await addProvenance(plan, paths, backend);
      if (options.format === 'json') for (const part of renderPlanJsonParts(plan)) ctx.io.stdout(part);
      else if (options.format === 'markdown') ctx.io.stdout(renderPlanMarkdown(plan));
      else ctx.io.stdout(renderPlanText(plan, palette(colorEnabled(ctx.io.stdoutIsTTY, ctx.io.env, ctx.noColor))));
      if (options.out !== undefined) await writeFileAtomic(options.out, renderPlanJson(plan));
      if (options.detailedExitcode && plan.changes.length > 0) ctx.exitCode = ExitCode.changes;
    });
}

/** The git work tree of PATHS when --base or --blame needs it, and the config at --base. */
async function gitInputs(paths: readonly string[], options: PlanOptions): Promise<{ repo?: Repository; base?: PlanInputs['base'] }> {
  if (options.base === undefined && !options.blame) return {};
  const repo = await Repository.open(paths, options.base !== undefined ? '--base' : '--blame');
  if (options.base === undefined) return { repo };
  const commit = await repo.commitOf(options.base, '--base');
  return { repo, base: { ref: options.base, commit, source: configAtRef(repo, commit, options.base) } };
}
