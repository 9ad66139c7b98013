import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, well enough to tell it from a later process with the same pid: the pid alone is
 * not (containers start every run as pid 1; pids wrap). On Linux the start time (field 22 of
 * /proc/<pid>/stat, clock ticks since boot) and the boot id pin one process of one boot.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id; absent where there is no /proc. */
  boot_id?: string;
  /** The process's start time in clock ticks since boot; absent where there is no /proc. */
  start_time?: string;
}

export function currentProcess(): ProcessIdentity {
  const bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  const startTime = processStat(process.pid)?.startTime;
  return { pid: process.pid, host: hostname(), ...(bootId && { boot_id: bootId }), ...(startTime && { start_time: startTime }) };
}

/** What this host can see of a pid: whether it runs (zombies do not), and since when where known. */
export function probeProcess(pid: number): { running: boolean; startTime?: string } {
  const stat = processStat(pid);
  if (stat) return stat.state === 'Z' || stat.state === 'X' ? { running: false } : { running: true, startTime: stat.startTime };
  if (readProc('/proc/self/stat') !== undefined) return { running: false }; // /proc works, and has no such pid
  try {
    process.kill(pid, 0);
    return { running: true };
  } catch (cause) {
    return { running: (cause as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

/** State (field 3) and start time (field 22) of /proc/<pid>/stat; the name (field 2) may hold spaces and parentheses. */
function processStat(pid: number): { state: string; startTime: string } | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // fields 3, 4, …
  const state = fields[0];
  const startTime = fields[22 - 3];
  return state && startTime ? { state, startTime } : undefined;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
