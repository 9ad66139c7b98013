import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { run } from '../../src/cli/program.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'portalctl.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs portalctl in this process, with its output captured. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, tty = false): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { PATH: process.env.PATH, ...env },
    cwd: ROOT,
    stdoutIsTTY: tty,
    stdinIsTTY: false,
  });
  return { code, stdout, stderr };
}

/** Runs the real binary (built into dist/ by the pretest script) in a child process. */
export function spawnCli(argv: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...argv],
      { cwd: options.cwd ?? ROOT, env: { PATH: process.env.PATH, ...options.env }, timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 124) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portalctl-test-'));
  dirs.push(dir);
  return dir;
}

/** A stack trace line ("    at fn (file:1:2)") anywhere in the text. */
export const STACK_TRACE = /^\s+at .+[:(]/m;
