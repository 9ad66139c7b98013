import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';
import { BIN, tempDir } from './cli.js';

const run = promisify(execFile);

/** Git with a fixed identity and dates and no user or system config: commits are the same on every machine. */
function gitEnv(home: string): NodeJS.ProcessEnv {
  const who = { NAME: 'Portal Team', EMAIL: 'portal@example.com', DATE: '2026-01-01T00:00:00Z' };
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: who.NAME,
    GIT_AUTHOR_EMAIL: who.EMAIL,
    GIT_AUTHOR_DATE: who.DATE,
    GIT_COMMITTER_NAME: who.NAME,
    GIT_COMMITTER_EMAIL: who.EMAIL,
    GIT_COMMITTER_DATE: who.DATE,
  };
}

/**
 * A bare repository in a temp folder (the remote reconcile follows) and a clone that commits to
 * its `main` and pushes. `push` writes files (null removes one), commits and pushes; it returns the commit.
 */
export async function gitRemote() {
  const dir = await tempDir();
  const remote = join(dir, 'remote.git');
  const work = join(dir, 'work');
  const env = gitEnv(dir);
  const git = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd, env })).stdout.trim();
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch', 'main', remote);
  await git(dir, 'init', '--quiet', '--initial-branch', 'main', work);
  await git(work, 'remote', 'add', 'origin', remote);
  return {
    dir,
    remote,
    async push(files: Record<string, string | null>, message = 'change'): Promise<string> {
      for (const [path, text] of Object.entries(files)) {
        const file = join(work, path);
        if (text === null) await rm(file);
        else {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, text);
        }
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '-m', message);
      await git(work, 'push', '--quiet', 'origin', 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
  };
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * The real binary running a long-lived command (reconcile). `next(pattern)` waits for the next
 * output line that matches, after the one the previous call matched; `signal` sends one and waits
 * for the end.
 */
export function longRunning(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }) {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd: options.cwd, env: { PATH: process.env.PATH, ...options.env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let cursor = 0; // lines before it were matched or passed over already
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const lines = () => stdout.split('\n').slice(0, -1);

  return {
    child,
    ended,
    lines,
    next(pattern: RegExp): Promise<string> {
      const timeoutMs = options.timeoutMs ?? 20_000;
      return new Promise((resolve, reject) => {
        const look = () => {
          const all = lines();
          const index = all.findIndex((line, i) => i >= cursor && pattern.test(line));
          if (index >= 0) {
            cursor = index + 1;
            finish();
            resolve(all[index]!);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`ended without a line matching ${String(pattern)}:\n${stdout}${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms:\n${stdout}${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(look);
        };
        waiters.add(look);
        look();
      });
    },
    signal(name: NodeJS.Signals): Promise<Ended> {
      child.kill(name);
      return ended;
    },
  };
}
