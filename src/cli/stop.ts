import { ExitCode } from '../errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof SIGNALS)[number];

/** Why a run was asked to stop before its end. */
export type StopCause = StopSignal | 'stdout closed';

/** The cause a stop signal was aborted with, if it was. */
export function stopCause(signal: AbortSignal | undefined): StopCause | undefined {
  return signal?.aborted ? (signal.reason as StopCause) : undefined;
}

/** 130 and 143 for the signals (128 + the signal's number, as shells report it); 1 for a closed output. */
export function stopExitCode(cause: StopCause): ExitCode {
  return cause === 'SIGINT' ? ExitCode.interrupted : cause === 'SIGTERM' ? ExitCode.terminated : ExitCode.error;
}

/** "stopped by SIGTERM", "stopped (standard output closed)": what follows "apply" in its report. */
export function describeStop(cause: StopCause): string {
  return cause === 'stdout closed' ? 'stopped (standard output closed)' : `stopped by ${cause}`;
}

/**
 * How the process asks a run to stop: its standard output closing (`portalctl plan | head -1`),
 * always, and SIGINT or SIGTERM while trapped. Stopping aborts `signal`; the run decides what
 * stopping means (apply: no new writes, save what landed, release the lock).
 */
export class ProcessStop {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;

  stop(cause: StopCause): void {
    if (!this.signal.aborted) this.controller.abort(cause);
  }

  /**
   * Until the returned function is called, SIGINT and SIGTERM stop the run instead of ending the
   * process. A second signal is the user insisting: it ends the process at once, as by default.
   */
  trapSignals(onFirst: (cause: StopSignal) => void): () => void {
    let signalled = false;
    const handlers = SIGNALS.map((name) => {
      const handler = () => {
        if (signalled) {
          untrap();
          process.kill(process.pid, name);
          return;
        }
        signalled = true;
        this.stop(name);
        onFirst(name);
      };
      process.on(name, handler);
      return [name, handler] as const;
    });
    const untrap = () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    };
    return untrap;
  }
}
