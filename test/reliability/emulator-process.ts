// `portalctl emulator` as a real child process: what it prints is its log, a crash ends it, and the
// exchanges it serves stay out of this process (the contract check watches in-process emulators only).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { BIN } from '../helpers/cli.js';

export interface EmulatorProcess {
  adminUrl: string;
  /** The gateway's URL (always started; port 0 unless --gateway-port says otherwise). */
  gatewayUrl: string;
  /** The process's stdout and stderr so far: the emulator's log. */
  log(): { stdout: string; stderr: string };
  /** Whether the process still runs. */
  alive(): boolean;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `portalctl emulator ARGS` on a free port and resolves once it prints its admin URL. */
export function emulatorProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${stderr}`)), 15_000);
    const look = () => {
      const url = /^admin API:\s+(\S+)/m.exec(stdout)?.[1];
      const gateway = /^gateway:\s+(\S+)/m.exec(stdout)?.[1];
      if (url === undefined || gateway === undefined) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve({
        adminUrl: url,
        gatewayUrl: gateway,
        log: () => ({ stdout, stderr }),
        alive: () => child.exitCode === null && child.signalCode === null,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`the emulator exited (${code}) before it started: ${stderr}`)));
  });
}
