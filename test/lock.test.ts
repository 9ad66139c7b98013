import { spawn } from 'node:child_process';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../src/backends/local/lock.js';
import { currentProcess } from '../src/backends/local/process-identity.js';
import { spawnCli, STACK_TRACE, tempDir } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';
import { workspace } from './helpers/workspace.js';

/** The pid of a process that has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}


const oneLine = (text: string) => expect(text.split('\n').filter(Boolean)).toHaveLength(1);

describe('taking over a stale lock', () => {
  it('lets exactly one of 12 concurrent applies proceed; the others refuse naming it, and nothing reported is lost', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const dead = await deadPid();
    await writeFile(`${state}.lock`, JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00Z' }) + '\n');
    // Each process waits at a barrier until all 12 have started, so that they meet at the lock.
    const barrier = join(dir, 'barrier.mjs');
    const go = join(dir, 'go');
    await writeFile(
      barrier,
      `import { existsSync, writeFileSync } from 'node:fs';\n` +
        `writeFileSync(${JSON.stringify(dir)} + '/ready-' + process.pid, '');\n` +
        `while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));\n`,
    );
    const pending = Array.from({ length: 12 }, async (_, i) => {
      const file = join(dir, `c${i}.yaml`);
      await writeFile(file, manyApplications(300, { prefix: `p${i}`, namespace: 'race', credentials: false }));
      return spawnCli(['apply', file, '--yes', '--state', state], { timeoutMs: 120_000, env: { NODE_OPTIONS: `--import=${barrier}` } });
    });
    while ((await readdir(dir)).filter((f) => f.startsWith('ready-')).length < 12) await new Promise((r) => setTimeout(r, 10));
    await writeFile(go, '');
    const runs = await Promise.all(pending);

    const winners = runs.filter((r) => r.code === 0);
    expect(winners, runs.map((r) => `${r.code}: ${r.stderr}`).join('\n')).toHaveLength(1);
    const losers = runs.filter((r) => r.code !== 0);
    const holders = new Set<string>();
    for (const r of losers) {
      expect(r.code, r.stderr).toBe(3);
      oneLine(r.stderr);
      const m = /^error: another apply holds the lock on .*state\.json \(pid (\d+) since [^)]+\); if none is running, remove .*state\.json\.lock$/m.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      holders.add(m![1]!);
      expect(r.stdout).not.toContain('created');
    }
    expect([...holders]).toHaveLength(1); // all name the same holder: the winner
    expect(holders.has(String(dead))).toBe(false);

    // What the winner printed as created is what the state holds.
    const created = [...winners[0]!.stdout.matchAll(/^created application (\S+)$/gm)].map((m) => m[1]);
    expect(created).toHaveLength(300);
    const stored = JSON.parse(await readFile(state, 'utf8')) as { applications: Record<string, { reference_id: string }> };
    expect(Object.values(stored.applications).map((a) => a.reference_id).sort()).toEqual([...created].sort());
    // ... and the lock, the take-over token and the temporary files are gone.
    expect((await readdir(dir)).filter((f) => !/^(c\d+\.yaml|ready-\d+|go|barrier\.mjs)$/.test(f))).toEqual(['state.json']);
  }, 180_000);
});

describe('judging a lock', () => {
  async function withLock(content: string | object) {
    const ws = await workspace('quickstart');
    const lock = `${ws.state}.lock`;
    await writeFile(lock, typeof content === 'string' ? content : JSON.stringify(content));
    return { ws, lock };
  }
  const me = currentProcess();

  it.each([
    ['empty', ''],
    ['half-written', '{"pid": 12'],
    ['null', 'null'],
    ['a list', '[1]'],
    ['without a pid', '{"since": "2026-01-01T00:00:00Z"}'],
  ])('an %s lock file is held (exit 3, one line), not an internal error', async (_, content) => {
    const { ws, lock } = await withLock(content);
    const r = await ws.apply();
    expect(r.code, r.stderr).toBe(3);
    oneLine(r.stderr);
    expect(r.stderr).toBe(
      `error: another apply holds the lock on ${ws.state} (its lock file is empty or not JSON yet; taken over once 10 s old); if none is running, remove ${lock}\n`,
    );
    await expect(stat(ws.state)).rejects.toThrow(); // nothing applied
  });

  it('an unreadable lock file older than 10 seconds is taken over', async () => {
    const { ws, lock } = await withLock('');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const r = await ws.apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(stat(lock)).rejects.toThrow(); // released
  });

  it('a lock with our pid but another start time is stale (a container reuses pid 1)', async () => {
    expect(me.start_time).toBeDefined();
    const { ws, lock } = await withLock({ ...me, start_time: String(Number(me.start_time) + 1), since: '2026-01-01T00:00:00Z' });
    const r = await ws.apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(stat(lock)).rejects.toThrow();
  });

  it('a lock with our pid and our start time is held: it is this very process', async () => {
    const { ws } = await withLock({ ...me, since: '2026-01-01T00:00:00Z' });
    const r = await ws.apply();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`(pid ${me.pid} since 2026-01-01T00:00:00Z)`);
  });

  it('a lock taken before a reboot (another boot id) is stale, even when its pid runs now', async () => {
    const { ws } = await withLock({ ...me, pid: process.ppid, boot_id: '00000000-0000-0000-0000-000000000000', since: '2026-01-01T00:00:00Z' });
    const r = await ws.apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a lock of a live process of this host is held', async () => {
    const { ws, lock } = await withLock({ pid: process.ppid, host: me.host, since: '2026-01-01T00:00:00Z' });
    const r = await ws.apply();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: another apply holds the lock on ${ws.state} (pid ${process.ppid} since 2026-01-01T00:00:00Z); if none is running, remove ${lock}\n`);
  });

  it('a lock from another host cannot be judged: refused, naming the host and how to remove it', async () => {
    const { ws, lock } = await withLock({ pid: await deadPid(), host: 'build-7\nerror: forged', since: '2026-01-01T00:00:00Z' });
    const r = await ws.apply();
    expect(r.code).toBe(3);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^error: another apply on host "build-7\\nerror: forged" holds the lock on .* \(pid \d+ since 2026-01-01T00:00:00Z\); it cannot be checked from this host: if it no longer runs, remove /);
    expect(r.stderr).toContain(lock);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a take-over interrupted by a crash (its token left behind) is itself taken over', async () => {
    const dead = await deadPid();
    const { ws, lock } = await withLock({ pid: dead, host: me.host, since: '2026-01-01T00:00:00Z', nonce: 'aaaaaaaaaaaaaaaa' });
    await writeFile(`${lock}.takeover-aaaaaaaaaaaaaaaa`, JSON.stringify({ pid: dead, host: me.host, since: '2026-01-01T00:00:01Z', nonce: 'bbbbbbbbbbbbbbbb' }));
    const r = await ws.apply();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await readdir(ws.dir)).filter((f) => f.includes('.lock'))).toEqual([]);
  });

  it('records who holds it: pid, start time, boot id, host and since', async () => {
    const ws = await workspace('quickstart');
    const release = await acquireLock(`${ws.state}.lock`, ws.state);
    const record = JSON.parse(await readFile(`${ws.state}.lock`, 'utf8'));
    expect(record).toEqual({ pid: process.pid, host: hostname(), boot_id: me.boot_id, start_time: me.start_time, since: expect.any(String), nonce: expect.stringMatching(/^[0-9a-f]{24}$/) });
    await release();
    await expect(stat(`${ws.state}.lock`)).rejects.toThrow();
  });

  it('empties no lock that is not its own on release', async () => {
    const ws = await workspace('quickstart');
    const release = await acquireLock(`${ws.state}.lock`, ws.state);
    await writeFile(`${ws.state}.lock`, JSON.stringify({ pid: process.ppid, host: me.host, since: 'x', nonce: 'cccccccccccccccc' }));
    await release();
    expect(JSON.parse(await readFile(`${ws.state}.lock`, 'utf8')).nonce).toBe('cccccccccccccccc');
  });
});
