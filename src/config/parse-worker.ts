import { parentPort, workerData } from 'node:worker_threads';
import { checkConfigText, type CheckedFile } from './check-file.js';
import type { WorkerInput, WorkerOutput, WorkerRequest } from './parse-pool.js';

// A worker thread of parse-pool.ts: checks the files it is sent, posting each result as it is done,
// until told that none is left. The environment came in workerData (memory only), for the substitutions.
const { source } = workerData as WorkerInput;
parentPort!.on('message', (request: WorkerRequest) => {
  if ('done' in request) return parentPort!.close();
  for (const job of request.jobs) {
    let checked: CheckedFile;
    try {
      checked = checkConfigText(job.file, job.text, source);
    } catch {
      // The main thread checks the file again: the same exception is then its own, as without workers.
      checked = { problems: [], unreadable: true, declarations: [], unchecked: [], overflowed: true };
    }
    // What a stack overflow reports depends on the thread's stack: the main thread's answer is the one.
    const message: WorkerOutput = checked.overflowed ? { index: job.index, redo: true } : { index: job.index, checked };
    parentPort!.postMessage(message);
  }
});
