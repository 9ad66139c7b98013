import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { BIN, ROOT } from '../helpers/cli.js';

describe('portalctl emulator', () => {
  it('prints its URLs, serves until stopped, and stops cleanly', async () => {
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const done = run(['emulator', '--token', 'T', '--developer', 'dev@example.com:PW'], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: {},
      cwd: ROOT,
      stdoutIsTTY: false,
      stdinIsTTY: false,
      stop: stop.signal,
    });
    while (!stdout.includes('Stop with')) await new Promise((resolve) => setTimeout(resolve, 10));
    const admin = /admin API:\s+(\S+)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/gateway:\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).not.toContain('token:'); // the given token is not echoed
    expect((await fetch(`${admin}/v3/portals`, { headers: { authorization: 'Bearer T' } })).status).toBe(200);
    const login = await fetch(`${admin}/api/v3/developer/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"dev@example.com","password":"PW"}' });
    expect(login.status).toBe(204);
    stop.abort('SIGINT');
    expect(await done).toBe(0);
    expect(stderr).toBe('emulator stopped\n');
    await expect(fetch(`${admin}/v3/portals`)).rejects.toThrow();
  });

  it('refuses a malformed --developer and --fail-rate as one line, exit 1', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), env: {}, cwd: ROOT, stdoutIsTTY: false, stdinIsTTY: false };
    expect(await run(['emulator', '--developer', 'nobody'], io)).toBe(1);
    expect(stderr).toContain("option '--developer <email:password>' argument 'nobody' is invalid. expected EMAIL:PASSWORD");
    stderr = '';
    expect(await run(['emulator', '--fail-rate', '2'], io)).toBe(1);
    expect(stderr).toBe('error: --fail-rate must be a number between 0 and 1\n');
  });

  it('ends on SIGTERM with exit code 0 (the real binary)', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--token', 'T'], { cwd: ROOT, env: { PATH: process.env.PATH } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!stdout.includes('Stop with')) {
      if (child.exitCode !== null) throw new Error(`exited early: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
