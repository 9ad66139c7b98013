import { escapeControl } from './quote.js';

/** Where in a config file something stands. Lines and columns count from 1. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One thing wrong (or worth a warning) in the config, pointing at the node that causes it. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  at?: SourcePos;
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/**
 * `FILE:LINE:COL: message`, or just the message when no file is the cause. Always one line: values
 * in messages are quoted where they are put in (quote.ts); control characters that still reach here,
 * in a file name or a message, are escaped as a last line of defence.
 */
export function formatProblem(problem: Problem): string {
  const prefix = problem.at ? `${formatPos(problem.at)}: ` : '';
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  return escapeControl(`${prefix}${severity}${problem.message}`);
}

/** Problems sorted by file, line and column so output is stable whatever order they were found in. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    const fa = a.at?.file ?? '';
    const fb = b.at?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.col ?? 0) - (b.at?.col ?? 0);
  });
}

export function error(message: string, at?: SourcePos): Problem {
  return at ? { severity: 'error', message, at } : { severity: 'error', message };
}

export function warning(message: string, at?: SourcePos): Problem {
  return at ? { severity: 'warning', message, at } : { severity: 'warning', message };
}
