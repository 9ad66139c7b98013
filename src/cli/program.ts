import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BackendError } from '../backends/backend.js';
import { ConfigError, ExitCode, UserError } from '../errors.js';
import { reportProblems } from './report-problems.js';
import { registerApply } from './commands/apply.js';
import { registerDump } from './commands/dump.js';
import { registerEmulator } from './commands/emulator.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPlan } from './commands/plan.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerSchema } from './commands/schema.js';
import { registerValidate } from './commands/validate.js';
import type { Context } from './context.js';
import { processIo, type Io } from './io.js';

// The version of package.json (two folders up from both src/cli and dist/cli).
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function buildProgram(ctx: Context): Command {
  const program = new Command('portalctl')
    .description('Declarative Kong Konnect Dev Portal application registration: YAML in git, validate, plan, apply.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of internal errors')
    .option('--no-color', 'never colour the output (NO_COLOR in the environment does the same)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 success (no changes with --detailed-exitcode), 1 error, 2 changes present\n' +
        '(plan --detailed-exitcode), 3 refused on purpose (stale plan, deletion guard, lock held, "no" at\n' +
        'the prompt), 130/143 apply stopped by SIGINT/SIGTERM (what landed is saved; apply again to finish).',
    );
  program.hook('preAction', () => {
    ctx.noColor = program.opts<{ color: boolean }>().color === false;
  });
  registerValidate(program, ctx);
  registerPlan(program, ctx);
  registerApply(program, ctx);
  registerDump(program, ctx);
  registerMigrate(program, ctx);
  registerReconcile(program, ctx);
  registerSchema(program, ctx);
  registerEmulator(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/**
 * Runs portalctl with `argv` (without node and script) and returns the exit code. Every error a user
 * can cause becomes one line on stderr; anything else is an internal error, with its stack trace
 * only under --debug.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  const ctx: Context = { io, exitCode: ExitCode.ok, noColor: false };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (cause) {
    if (cause instanceof CommanderError) {
      // Help and version end with code 0; usage errors were printed by commander already.
      return cause.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    if (cause instanceof ConfigError) {
      reportProblems(io, cause.problems);
      return cause.exitCode;
    }
    if (cause instanceof UserError) {
      io.stderr(`error: ${cause.message}\n`);
      return cause.exitCode;
    }
    // A portal that refused or could not be reached (outside the per-change reports of apply).
    if (cause instanceof BackendError) {
      io.stderr(`error: ${cause.message}\n`);
      return ExitCode.error;
    }
    const debug = argv.includes('--debug');
    const detail = cause instanceof Error ? (debug ? (cause.stack ?? cause.message) : cause.message) : String(cause);
    io.stderr(`internal error: ${detail}${debug ? '' : ' (run with --debug for details)'}\n`);
    return ExitCode.error;
  }
}
