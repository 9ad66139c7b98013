import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../src/apply/executor.js';
import { recordAppliedCommit } from '../src/apply/record-commit.js';
import type { AppliedRecord, Transaction } from '../src/backends/backend.js';
import type { Change } from '../src/types/plan.js';
import { BIN, ROOT, STACK_TRACE, tempDir } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';
import { initRepo } from './helpers/git.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const change = (address: string) => ({ address }) as Change;

/** A transaction that only records; `fail` makes the record throw. */
function recorder(fail?: string) {
  const recorded: [string, AppliedRecord][] = [];
  const tx: Transaction = {
    create: () => Promise.reject(new Error('unused')),
    update: () => Promise.reject(new Error('unused')),
    delete: () => Promise.reject(new Error('unused')),
    recordApplied: async (namespace, record) => {
      if (fail !== undefined) throw new Error(fail);
      recorded.push([namespace, record]);
    },
  };
  return { tx, recorded };
}

describe('recordAppliedCommit', () => {
  const plan = { namespace: 'payments', changes: [change('product.a'), change('product.b')], source_commit: { commit: COMMIT, dirty: true } };
  const applied = plan.changes.map((c): Outcome => ({ change: c, status: 'applied' }));
  const now = new Date('2026-11-20T10:00:00.123Z');

  it('records a complete apply, the time to the second', async () => {
    const { tx, recorded } = recorder();
    expect(await recordAppliedCommit(tx, plan, applied, { now })).toEqual({ recorded: true, line: 'recorded commit 0123456789ab (dirty) as applied to namespace "payments"' });
    expect(recorded).toEqual([['payments', { commit: COMMIT, dirty: true, at: '2026-11-20T10:00:00Z' }]]);
  });

  it('records nothing for a failed, skipped or missing change, or a stopped apply, and says so', async () => {
    const incomplete: Outcome[][] = [
      [applied[0]!, { change: plan.changes[1]!, status: 'failed', error: 'refused' }],
      [applied[0]!, { change: plan.changes[1]!, status: 'skipped', because: 'product.a' }],
      [applied[0]!],
    ];
    for (const outcomes of incomplete) {
      const { tx, recorded } = recorder();
      expect(await recordAppliedCommit(tx, plan, outcomes)).toEqual({ recorded: false, line: 'commit 0123456789ab (dirty) not recorded as applied' });
      expect(recorded).toEqual([]);
    }
    const { tx, recorded } = recorder();
    expect((await recordAppliedCommit(tx, plan, applied, { stopped: true }))?.recorded).toBe(false);
    expect(recorded).toEqual([]);
  });

  it('has nothing to say without a commit or a backend that records; reports a record that fails instead of throwing', async () => {
    expect(await recordAppliedCommit(recorder().tx, { ...plan, source_commit: undefined }, applied)).toBeUndefined();
    const { recordApplied: _, ...plain } = recorder().tx;
    expect(await recordAppliedCommit(plain, plan, applied)).toBeUndefined();
    expect(await recordAppliedCommit(recorder('503 from the portal').tx, plan, applied)).toEqual({ recorded: false, line: 'commit 0123456789ab (dirty) not recorded as applied: 503 from the portal' });
  });
});

describe('an apply stopped by SIGTERM', () => {
  it('records no commit and says so (the built binary)', async () => {
    const dir = await tempDir();
    const repo = join(dir, 'repo');
    await mkdir(repo);
    await writeFile(join(repo, 'big.yaml'), manyApplications(300));
    const commit = await initRepo(repo);
    const state = join(dir, 'state.json');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'apply', repo, '--yes', '--state', state, '--credentials-out', join(dir, 'creds.json')], { cwd: ROOT, env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const had = stdout.includes('\ncreated ');
        stdout += chunk.toString();
        if (!had && stdout.includes('\ncreated ')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(143);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toMatch(new RegExp(`^apply stopped by SIGTERM: \\d+ applied, 0 failed, 0 skipped, \\d+ not started; commit ${commit.slice(0, 12)} not recorded as applied; apply again to finish$`, 'm'));
    expect(JSON.parse(await readFile(state, 'utf8')).applied_commits).toBeUndefined();
  });
});
