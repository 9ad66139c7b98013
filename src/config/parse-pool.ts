import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkConfigText, type CheckedFile, type EnvSource } from './check-file.js';

/** One file to check: its place in the reading order (jobs[i].index is i), its name, its text. */
export interface Job {
  index: number;
  file: string;
  text: string;
}

export interface WorkerInput {
  jobs: Job[];
  source: EnvSource;
}

/** A file's result; `redo`: check it in the main thread (the worker's stack overflowed, or it threw). */
export type WorkerOutput = { index: number; checked: CheckedFile } | { index: number; redo: true };

/**
 * Below this many characters of config, the files are checked in this thread: a worker costs some
 * 40 ms to start (a thread, its own module loading), and parses slowly at first (its JIT is cold),
 * while parsing takes about 1.4 ms per KB here: below a few hundred KB it does not pay.
 */
export const PARALLEL_THRESHOLD = 256 * 1024;

/**
 * The worker's entry point, next to this module once compiled (dist/config/). Run from the
 * TypeScript sources (the tests), there is none: everything is checked in this thread.
 */
const WORKER_URL = new URL('./parse-worker.js', import.meta.url);
export const WORKERS_AVAILABLE = !import.meta.url.endsWith('.ts');

/**
 * The workers' stack, smaller than the main thread's (about 1 MB): a file nested deeply enough to
 * overflow the main thread's stack overflows a worker's too, and is then checked again in the main
 * thread: such a file is reported as the main thread alone finds it.
 */
const WORKER_STACK_MB = 0.5;

/**
 * This thread's share of the text, relative to an even split: less than a worker's, because it also
 * takes in the workers' results (copied between threads). Measured on 2 cores, the main thread and
 * one worker used 6 % less CPU than two workers and this thread waiting.
 */
const OWN_SHARE = 0.8;

export interface ParallelOptions {
  /** Extra threads to start; 0 checks every file in this one. Default: one per core beyond this one. */
  workers?: number;
  /** The share of the text this thread checks itself while the workers run (0 to 1). */
  ownShare?: number;
}

/**
 * Checks `jobs` on several threads: worker threads take most of the files, this one a share, and
 * the results come back in the jobs' order, as if checked one after the other here. A worker that
 * fails (an exception, a crash) rejects the whole: that is a defect, not a problem in the config.
 */
export async function checkInParallel(jobs: readonly Job[], source: EnvSource, options: ParallelOptions = {}): Promise<CheckedFile[]> {
  // Every file is checked below an await, the main thread's share, a worker's file checked again and
  // all files without workers alike: the stack left to the parser (deep nesting) is the same for all.
  await Promise.resolve();
  const workers = WORKERS_AVAILABLE ? (options.workers ?? Math.max(1, availableParallelism() - 1)) : 0;
  const results = new Array<CheckedFile>(jobs.length);
  if (workers === 0) {
    for (const job of jobs) results[job.index] = checkConfigText(job.file, job.text, source);
    return results;
  }
  const redo: Job[] = [];
  const shares = split(jobs, workers, options.ownShare ?? OWN_SHARE / (workers + 1));
  const running = shares.slice(1).filter((share) => share.length > 0).map((share) => runWorker(share, source, results, redo));
  // Whatever happens to one worker, none is left running (the process could not exit).
  const stopAll = () => running.forEach((r) => void r.worker.terminate());
  try {
    for (const job of shares[0]!) results[job.index] = checkConfigText(job.file, job.text, source);
    await Promise.all(running.map((r) => r.done));
  } catch (cause) {
    stopAll();
    throw cause;
  }
  for (const job of redo) results[job.index] = checkConfigText(job.file, job.text, source);
  return results;
}

/**
 * Splits the jobs into 1 + workers shares of about equal text, the first (this thread's) `ownShare`
 * of the total. Files keep their order within a share.
 */
function split(jobs: readonly Job[], workers: number, ownShare: number): Job[][] {
  const total = jobs.reduce((sum, job) => sum + job.text.length, 0);
  const targets = [total * ownShare, ...Array.from({ length: workers }, () => (total * (1 - ownShare)) / workers)];
  const shares: Job[][] = targets.map(() => []);
  const loads = targets.map(() => 0);
  // Largest first to the share furthest below its target: even shares whatever the file sizes.
  const bySize = [...jobs].sort((a, b) => b.text.length - a.text.length);
  for (const job of bySize) {
    let best = 0;
    for (let s = 1; s < shares.length; s++) if (targets[s]! - loads[s]! > targets[best]! - loads[best]!) best = s;
    shares[best]!.push(job);
    loads[best]! += job.text.length;
  }
  for (const share of shares) share.sort((a, b) => a.index - b.index);
  return shares;
}

function runWorker(share: Job[], source: EnvSource, results: CheckedFile[], redo: Job[]): { worker: Worker; done: Promise<void> } {
  const input: WorkerInput = { jobs: share, source: 'values' in source ? { values: { ...source.values } } : source };
  const worker = new Worker(WORKER_URL, { workerData: input, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
  const byIndex = new Map(share.map((job) => [job.index, job]));
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (output: WorkerOutput) => {
      if ('checked' in output) results[output.index] = output.checked;
      else redo.push(byIndex.get(output.index)!);
      if (++received === share.length) resolve();
    });
    worker.on('error', (cause) => reject(new Error(`config parsing thread failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })));
    worker.on('exit', (code) => {
      if (received < share.length) reject(new Error(`config parsing thread ended (exit code ${code}) before checking ${share.length - received} of its ${share.length} files`));
    });
  });
  return { worker, done };
}
