import { ProcessStop, type StopSignal } from './stop.js';

/** Where a command reads and writes: the real process, or a test's buffers. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard output is a terminal: colour and progress lines are allowed. */
  stdoutIsTTY: boolean;
  /** Standard input is a terminal: the user can be asked to confirm. */
  stdinIsTTY: boolean;
  /** Aborted, with a StopCause as its reason, when the run should stop starting new work. */
  stop?: AbortSignal;
  /** From now until the returned function is called, SIGINT and SIGTERM abort `stop` instead of ending the process. */
  trapSignals?: (onFirst: (cause: StopSignal) => void) => () => void;
}

export function processIo(): Io {
  const stop = new ProcessStop();
  // Writing to a closed pipe (`portalctl plan | head -1`) fails with an 'error' event that, unheard,
  // would end the process with a stack trace and leave an apply's lock behind: the run stops instead,
  // and what it would still print goes nowhere.
  let stdoutOpen = true;
  let stderrOpen = true;
  process.stdout.on('error', () => {
    stdoutOpen = false;
    stop.stop('stdout closed');
  });
  process.stderr.on('error', () => {
    stderrOpen = false;
  });
  return {
    stdout: (text) => void (stdoutOpen && process.stdout.write(text)),
    stderr: (text) => void (stderrOpen && process.stderr.write(text)),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stop: stop.signal,
    trapSignals: (onFirst) => stop.trapSignals(onFirst),
  };
}
