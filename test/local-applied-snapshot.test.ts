import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { tempDir } from './helpers/cli.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('the local backend after a read', () => {
  it('says what the state it read records as applied (without reading the file again), until a transaction', async () => {
    const state = join(await tempDir(), 'state.json');
    const backend = new LocalBackend(state);
    await backend.transaction((tx) => tx.recordApplied!('team-a', { commit: A, dirty: false, at: '2026-11-20T10:00:00Z' }));
    await backend.read();
    // Another process records a newer apply: a plan made from the first read still names the commit it saw.
    const data = JSON.parse(await readFile(state, 'utf8')) as { applied_commits: Record<string, unknown> };
    data.applied_commits['team-a'] = { commit: B, dirty: true, at: '2026-11-21T10:00:00Z' };
    await writeFile(state, JSON.stringify(data));
    expect(await backend.readApplied('team-a')).toEqual({ commit: A, dirty: false, at: '2026-11-20T10:00:00Z' });
    expect(await new LocalBackend(state).readApplied('team-a')).toEqual({ commit: B, dirty: true, at: '2026-11-21T10:00:00Z' });
    // A transaction may record a commit: after it the file is read again.
    await backend.transaction(async () => undefined);
    expect(await backend.readApplied('team-a')).toEqual({ commit: B, dirty: true, at: '2026-11-21T10:00:00Z' });
  });
});
