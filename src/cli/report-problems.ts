import { formatProblem, sortProblems, type Problem } from '../diagnostics/problems.js';
import type { Io } from './io.js';

/** Prints problems one per line (FILE:LINE:COL: message), then the error count when there are errors. */
export function reportProblems(io: Io, problems: readonly Problem[]): void {
  for (const problem of sortProblems(problems)) io.stderr(formatProblem(problem) + '\n');
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) io.stderr(`invalid: ${errors} ${errors === 1 ? 'error' : 'errors'}\n`);
}
