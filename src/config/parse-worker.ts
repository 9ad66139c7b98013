import { parentPort, workerData } from 'node:worker_threads';
import { checkConfigText, type CheckedFile } from './check-file.js';
import type { WorkerInput, WorkerOutput } from './parse-pool.js';

// A worker thread of parse-pool.ts: checks the files it was given, posting each result as it is done.
// The environment came in workerData (memory only), for the substitutions.
const { jobs, source } = workerData as WorkerInput;
for (const job of jobs) {
  let checked: CheckedFile;
  try {
    checked = checkConfigText(job.file, job.text, source);
  } catch {
    // The main thread checks the file again: the same exception is then its own, as without workers.
    checked = { problems: [], unreadable: true, valid: [], unchecked: [], lineStarts: [], overflowed: true };
  }
  // What a stack overflow reports depends on the thread's stack: the main thread's answer is the one.
  const message: WorkerOutput = checked.overflowed ? { index: job.index, redo: true } : { index: job.index, checked };
  // The positions' numbers move to the main thread instead of being copied.
  parentPort!.postMessage(message, checked.overflowed ? [] : checked.valid.map((doc) => doc.positions.nodes.buffer as ArrayBuffer));
}
