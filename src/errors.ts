import { formatProblem, sortProblems, type Problem } from './diagnostics/problems.js';

/** Exit codes of the command-line contract (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  refused: 3,
  /** apply stopped by SIGINT (128 + 2), as shells report it. */
  interrupted: 130,
  /** apply stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user caused or can act on. The CLI prints its message as one line (no stack trace
 * unless --debug) and exits with its code. Anything else that escapes is a bug in portalctl.
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = ExitCode.error, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** The config is invalid: every problem found, each printed on its own line. */
export class ConfigError extends UserError {
  readonly problems: Problem[];
  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = sorted;
  }
}
