import { isAbsolute, normalize, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checkCredentialsOut } from '../../apply/credentials-file.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { UserError } from '../../errors.js';
import { checkBranchName, defaultWorkDir, gitSource } from '../../git/work-dir.js';
import { parseInterval } from '../../reconcile/interval.js';
import { eventLog, LOG_FORMATS, type LogFormat } from '../../reconcile/log.js';
import { reconcileLoop } from '../../reconcile/loop.js';
import { addBackendOptions, CONCURRENCY_HELP, openBackend, writeConcurrency, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';
import { wholeNumber } from '../whole-number.js';

interface ReconcileOptions extends BackendOptions {
  repo: string;
  branch: string;
  path: string;
  interval: string;
  once?: boolean;
  selfHeal?: boolean;
  workDir?: string;
  logFormat: LogFormat;
  maxDeletes?: string;
  credentialsOut?: string;
  adopt?: boolean;
  concurrency?: string;
}

export function registerReconcile(program: Command, ctx: Context): void {
  addBackendOptions(
    program
      .command('reconcile')
      .description('keep the portal at the head of a git branch: apply each new commit, report (or heal) drift in between')
      .requiredOption('--repo <url|path>', 'the repository to follow: a URL (https://, ssh://, git@host:…; credentials in it are used, never logged) or a local path (a bare repository too)'),
  )
    .option('--branch <name>', 'the branch to follow', 'main')
    .option('--path <dir>', 'the config folder inside the repository', '.')
    .option('--interval <duration>', 'pause between cycles: 30s, 5m, 1h, or a number of seconds', '60s')
    .option('--once', 'run one cycle and exit with its result (for a CI schedule)')
    .option('--self-heal', 'between commits, apply drift back instead of only reporting it')
    .option('--work-dir <dir>', 'where the clone lives (default: <user cache folder>/portalctl/reconcile/<hash of repo and branch>; the cache folder is $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows)')
    .addOption(new Option('--log-format <format>', 'one line per event, as text or as JSON objects').choices(LOG_FORMATS).default('text'))
    .option('--max-deletes <n>', 'refuse a cycle whose plan deletes more than n objects')
    .option('--credentials-out <file>', 'write new credential keys to this file (JSON, mode 0600); without it, a cycle that would create credentials is refused')
    .option('--adopt', 'take over live objects with a matching key that carry no owner label')
    .option('--concurrency <n>', CONCURRENCY_HELP)
    .addHelpText(
      'after',
      `
reconcile is meant to run as a long-lived process (a service, a container); --once runs one cycle, as
from a CI schedule. The work directory is a clone of --repo that portalctl owns: it is fetched and reset
hard to origin/<branch> every cycle (files left in it are removed); one that holds another repository
is refused. The clone's origin records the URL without its credentials.

Each cycle: fetch the branch; if its head is a commit this process has not applied yet (the first
cycle always), plan the config in --path against the portal and apply it, as apply --yes would; if
it is the commit applied last, plan again: every change is drift (someone changed the portal outside
git), reported as one line per change, and applied back with --self-heal. Every cycle that applies
goes through apply's checks: the deletion guard, new keys only with --credentials-out, environment
values, the backend's lock (another apply holding it refuses that cycle). Nothing is held between
cycles. A cycle that fails or is refused is logged and tried again next cycle; the loop goes on.

Log: one line per event on standard output (start, applied, drift, healed, warning, write-failed,
failed, refused, stopped), as text ("2026-11-25T17:00:00Z applied abc1234: 3 created, 1 updated") or
with --log-format json as JSON objects with the fields time, event, commit, counts, address, action,
error, message. New credential keys and URL credentials are never logged.

SIGTERM or SIGINT: during a cycle, the writes in flight land (the rest waits for the next run), then
the loop ends; while waiting between cycles, it ends at once. Either way with a last "stopped" line.

Exit codes: 0 stopped by a signal, or --once and the cycle succeeded; 1 a bad option, or --once and
the cycle failed; 3 --once and the cycle was refused (deletion guard, credentials, lock held).
`,
    )
    .action(async (options: ReconcileOptions) => {
      const io = ctx.io;
      const source = gitSource(options.repo, io.cwd);
      checkBranchName(options.branch);
      const path = configFolder(options.path);
      const intervalMs = parseInterval(options.interval);
      const maxDeletes = options.maxDeletes === undefined ? undefined : wholeNumber('--max-deletes', options.maxDeletes);
      const concurrency = writeConcurrency(options);
      checkNamespaceFlag(options.namespace);
      const workDir = options.workDir === undefined ? defaultWorkDir(source, options.branch, io.env) : resolve(io.cwd, options.workDir);
      const keyFile = options.credentialsOut;
      // Found out now, not at the first cycle that makes a key.
      if (keyFile !== undefined) await checkCredentialsOut(keyFile, options.backend === 'local' ? options.state : undefined);

      const log = eventLog(options.logFormat, io.stdout);
      const stop = io.stop ?? new AbortController().signal;
      // For the whole loop, SIGINT and SIGTERM end it after the step under way, instead of the process.
      const untrap = io.trapSignals?.(() => undefined) ?? (() => undefined);
      try {
        log({
          event: 'start',
          repo: source.shown,
          branch: options.branch,
          path,
          work_dir: workDir,
          interval_seconds: intervalMs / 1000,
          self_heal: options.selfHeal === true,
        });
        ctx.exitCode = await reconcileLoop(
          {
            source,
            branch: options.branch,
            path,
            workDir,
            openBackend: (configPaths) => openBackend({ ...options, configPaths }, io),
            plan: { env: io.env, ...(options.namespace !== undefined && { namespace: options.namespace }), adopt: options.adopt === true },
            ...(maxDeletes !== undefined && { maxDeletes }),
            ...(keyFile !== undefined && { credentialsFile: keyFile }),
            selfHeal: options.selfHeal === true,
            concurrency,
            signal: stop,
            log,
          },
          { intervalMs, once: options.once === true, stop },
        );
      } finally {
        untrap();
      }
    });
}

/** --path as a folder inside the repository: relative, and not climbing out of it. */
function configFolder(path: string): string {
  const normal = normalize(path);
  if (isAbsolute(path) || normal === '..' || normal.startsWith('../') || normal.startsWith('..\\')) {
    throw new UserError(`--path names a folder inside the repository (like config or .), not "${path}"`);
  }
  return normal;
}
