import { ExitCode } from '../errors.js';
import { runCycle, type CycleResult, type CycleSettings } from './cycle.js';

export interface LoopOptions {
  /** Between the end of one cycle and the start of the next. */
  intervalMs: number;
  /** One cycle, then the exit code says how it went. */
  once: boolean;
  /** Aborted (with its cause as the reason) when the loop should end: the cycle under way finishes its step first. */
  stop: AbortSignal;
}

const EXIT: Record<CycleResult, ExitCode> = { ok: ExitCode.ok, failed: ExitCode.error, refused: ExitCode.refused };

/**
 * Runs cycles until asked to stop (or once). A failed cycle is logged by the cycle and the loop goes
 * on; a commit counts as applied only once a cycle applied it in full, so a failed or refused one is
 * tried again next cycle. Asked to stop while sleeping, the loop ends at once; during a cycle, the
 * writes in flight land first. Either way it ends with a `stopped` line and exit 0 (1 when its
 * output was closed).
 */
export async function reconcileLoop(settings: CycleSettings, options: LoopOptions): Promise<ExitCode> {
  let applied: string | undefined;
  for (;;) {
    const cycle = await runCycle(settings, applied);
    if (cycle.applied !== undefined) applied = cycle.applied;
    if (!options.stop.aborted && options.once) return EXIT[cycle.result];
    if (!options.stop.aborted) await sleep(options.intervalMs, options.stop);
    if (options.stop.aborted) {
      const cause = String(options.stop.reason);
      settings.log({ event: 'stopped', message: cause === 'stdout closed' ? 'standard output closed' : cause });
      return cause === 'stdout closed' ? ExitCode.error : ExitCode.ok;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
