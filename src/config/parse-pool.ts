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
  source: EnvSource;
}

/** From this thread to a worker: files to check, or none left (the worker ends). */
export type WorkerRequest = { jobs: Job[] } | { done: true };

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
 * Files a worker holds ahead of the one it checks: it never waits for the next while this thread is
 * busy checking one of its own (a file takes some 20 ms; a message waits at most that long).
 */
const AHEAD = 2;

export interface ParallelOptions {
  /** Extra threads to start; 0 checks every file in this one. Default: one per core beyond this one. */
  workers?: number;
  /** Whether this thread checks files too while the workers run (the default), or only waits. */
  mainThreadChecks?: boolean;
}

/**
 * Checks `jobs` on several threads, the results in the jobs' order, as if checked one after the other
 * here. The files wait in one queue, largest first, and every thread takes the next when it is ready:
 * a worker starts late (its own module loading) and this thread has other work meanwhile (reading the
 * state file), so a split made in advance leaves one of them idle at the end. A worker that fails (an
 * exception, a crash) rejects the whole: that is a defect, not a problem in the config.
 */
export async function checkInParallel(jobs: readonly Job[], source: EnvSource, options: ParallelOptions = {}): Promise<CheckedFile[]> {
  // Every file is checked below an await, the main thread's, a worker's file checked again and all
  // files without workers alike: the stack left to the parser (deep nesting) is the same for all.
  await Promise.resolve();
  const workers = WORKERS_AVAILABLE ? (options.workers ?? Math.max(1, availableParallelism() - 1)) : 0;
  const results = new Array<CheckedFile>(jobs.length);
  if (workers === 0) {
    for (const job of jobs) results[job.index] = checkConfigText(job.file, job.text, source);
    return results;
  }
  const queue = [...jobs].sort((a, b) => b.text.length - a.text.length || a.index - b.index);
  const redo: Job[] = [];
  const running = Array.from({ length: Math.min(workers, jobs.length) }, () => runWorker(queue, source, results, redo));
  try {
    if (options.mainThreadChecks !== false) {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        results[job.index] = checkConfigText(job.file, job.text, source);
        // Let the workers' messages in: each result asks for more files.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(running.map((r) => r.done));
  } catch (cause) {
    // Whatever happens to one worker, none is left running (the process could not exit).
    running.forEach((r) => void r.worker.terminate());
    throw cause;
  }
  for (const job of redo) results[job.index] = checkConfigText(job.file, job.text, source);
  return results;
}

/** A worker that takes files from `queue` as it goes, until the queue is empty and its files are done. */
function runWorker(queue: Job[], source: EnvSource, results: CheckedFile[], redo: Job[]): { worker: Worker; done: Promise<void> } {
  const input: WorkerInput = { source: 'values' in source ? { values: { ...source.values } } : source };
  const worker = new Worker(WORKER_URL, { workerData: input, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
  const held = new Map<number, Job>();
  const send = (count: number) => {
    const jobs = queue.splice(0, count);
    for (const job of jobs) held.set(job.index, job);
    if (jobs.length > 0) worker.postMessage({ jobs } satisfies WorkerRequest);
  };
  send(AHEAD);
  const done = new Promise<void>((resolve, reject) => {
    const finish = () => {
      worker.postMessage({ done: true } satisfies WorkerRequest);
      resolve();
    };
    if (held.size === 0) return finish();
    worker.on('message', (output: WorkerOutput) => {
      const job = held.get(output.index)!;
      held.delete(output.index);
      if ('checked' in output) results[output.index] = output.checked;
      else redo.push(job);
      send(1);
      if (held.size === 0) finish();
    });
    worker.on('error', (cause) => reject(new Error(`config parsing thread failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })));
    worker.on('exit', (code) => {
      if (held.size > 0) reject(new Error(`config parsing thread ended (exit code ${code}) before checking ${held.size} of its files`));
    });
  });
  return { worker, done };
}
