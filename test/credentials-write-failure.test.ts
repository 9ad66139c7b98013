import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { workspace } from './helpers/workspace.js';

// The disk fills up (or the file goes away) after the check before apply: the key write fails mid-apply.
const failing = vi.hoisted(() => ({ paths: new Set<string>() }));
vi.mock('../src/util/atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/util/atomic-write.js')>();
  return {
    ...real,
    writeFileAtomic: async (path: string, text: string, mode?: number) => {
      if (failing.paths.has(path)) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
      return real.writeFileAtomic(path, text, mode);
    },
  };
});

describe('a key that cannot be written during apply', () => {
  it('does not leave its credential behind: deleted again, reported failed, exit 1; a rerun converges', async () => {
    const ws = await workspace('org');
    failing.paths.add(ws.creds);
    const r = await ws.apply();
    failing.paths.delete(ws.creds);

    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed: creating credential mobile-banking\/ci: cannot write its key to \S+creds\.json \(ENOSPC\); deleted it again$/m);
    expect(r.stdout).toContain('created application mobile-banking'); // the rest landed
    expect(r.stdout).not.toContain('wrote');
    expect(r.stderr).toMatch(/^apply incomplete: \d+ applied, [1-9]\d* failed, 0 skipped; fix the cause and apply again\n$/);
    // The invariant: no credential exists whose key nobody has.
    const live = await ws.live();
    expect([...live.all()].filter((x) => x.kind === 'credential')).toEqual([]);
    expect((await ws.run('plan')).stdout).toContain('creating credential mobile-banking/ci');

    // Once the file can be written, the rerun makes the credentials and keeps their keys.
    expect((await ws.apply()).code).toBe(0);
    const keys = JSON.parse(await readFile(ws.creds, 'utf8')) as Record<string, string>;
    expect(Object.keys(keys)).toContain('credential.mobile-banking/ci');
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});
