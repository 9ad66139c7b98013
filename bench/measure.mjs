// Runs one command as a child process, cold (a fresh node, no cache), and measures it: wall time
// from spawn to exit, and peak RSS reported by bench/rss-hook.mjs (getrusage's maxrss of the child) and
// its CPU time.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = new URL('./rss-hook.mjs', import.meta.url).href;
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PORTALCTL = join(ROOT, 'bin', 'portalctl.js');

let serial = 0;

/**
 * Runs `node <script> ...args` and resolves to {wallMs, peakRssMB, cpuMs, code, stdout?, error?}. stdout goes
 * to `stdoutFile` (a plan's JSON can be tens of MB: the parent does not read it unless `keepStdout`).
 * A command that exits with another code than `expectCode`, or outlives `timeoutMs`, has an `error`.
 */
export function measure({ script = PORTALCTL, args, env = {}, workDir, timeoutMs, expectCode = 0, keepStdout = false }) {
  const id = ++serial;
  const rssFile = join(workDir, `rss-${id}.txt`);
  const stdoutFile = join(workDir, `stdout-${id}.txt`);
  const out = openSync(stdoutFile, 'w');
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', HOOK, script, ...args], {
      cwd: workDir,
      env: { ...process.env, NO_COLOR: '1', ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', out, 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      closeSync(out);
      let peakRssMB;
      let cpuMs;
      try {
        const [maxRss, cpu] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
        peakRssMB = maxRss / 1024;
        cpuMs = cpu / 1000;
      } catch {
        peakRssMB = undefined;
      }
      const stdout = keepStdout ? readFileSync(stdoutFile, 'utf8') : undefined;
      rmSync(stdoutFile, { force: true });
      rmSync(rssFile, { force: true });
      const error = timedOut
        ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : code !== expectCode
          ? `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(no stderr)'}`
          : undefined;
      resolve({ wallMs, peakRssMB, cpuMs, code, ...(stdout !== undefined && { stdout }), ...(error && { error }) });
    });
  });
}
