import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../src/backends/local/local-backend.js';
import { STACK_TRACE } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';
import { expectNoSecrets, outputsOf } from './reliability/secret-scan.js';

/** Every credential in the state file has its key in the credentials file (the invariant of --credentials-out). */
async function everyCredentialHasItsKey(state: string, creds: string): Promise<void> {
  const data = JSON.parse(await readFile(state, 'utf8')) as {
    applications: Record<string, { reference_id: string }>;
    credentials: Record<string, { application_id: string; name: string; key_hash: string }>;
  };
  const keys = JSON.parse(await readFile(creds, 'utf8').catch(() => '{}')) as Record<string, string>;
  for (const c of Object.values(data.credentials)) {
    const address = `credential.${data.applications[c.application_id]!.reference_id}/${c.name}`;
    expect(keys[address], address).toBeDefined();
    expect(hashKey(keys[address]!), address).toBe(c.key_hash);
  }
}

describe('--credentials-out is checked before anything changes', () => {
  it('refuses a file whose temporary file name would be too long: nothing applied', async () => {
    const ws = await workspace('quickstart');
    const creds = join(ws.dir, 'k'.repeat(245) + '.json'); // fits, but "<name>.<pid>.<8 hex>.tmp" does not
    const r = await ws.run('apply', '--yes', '--credentials-out', creds);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*cannot write the credentials file.*ENAMETOOLONG.*nothing applied\n$/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    await expect(stat(ws.state)).rejects.toThrow(); // no state written
    expect(await readdir(ws.dir)).toEqual(['config']); // and no probe file left behind
  });

  it('refuses a file in a folder that does not take files', async () => {
    const ws = await workspace('quickstart');
    await writeFile(join(ws.dir, 'not-a-dir'), '');
    const r = await ws.run('apply', '--yes', '--credentials-out', join(ws.dir, 'not-a-dir', 'creds.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*: cannot (read|write) the credentials file \(ENOTDIR\)/);
    await expect(stat(ws.state)).rejects.toThrow();
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file in a read-only folder', async () => {
    const ws = await workspace('quickstart');
    const ro = join(ws.dir, 'ro');
    await mkdir(ro);
    await chmod(ro, 0o555);
    const r = await ws.run('apply', '--yes', '--credentials-out', join(ro, 'creds.json'));
    await chmod(ro, 0o755);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write the credentials file \(EACCES\)/);
    await expect(stat(ws.state)).rejects.toThrow();
  });

  it('refuses the state file itself, through any path, and its lock', async () => {
    const ws = await workspace('quickstart');
    await writeFile(ws.state, '{"format_version":1}\n');
    const alias = join(ws.dir, 'alias.json');
    await symlink(ws.state, alias);
    for (const creds of [ws.state, join(ws.dir, '.', 'state.json'), alias, `${ws.state}.lock`]) {
      const r = await ws.run('apply', '--yes', '--credentials-out', creds);
      expect(r.code, creds).toBe(1);
      expect(r.stderr, creds).toMatch(/^error: --credentials-out \S+ is the state file(’s lock)? \S+: choose another file \(nothing applied\)\n$/);
    }
    expect(await readFile(ws.state, 'utf8')).toBe('{"format_version":1}\n');
  });

  it('refuses an existing file that is not a credentials file', async () => {
    const ws = await workspace('quickstart');
    for (const text of ['[1, 2]\n', '{"credential.a/b": {"key": "x"}}\n', 'not json']) {
      await writeFile(ws.creds, text);
      const r = await ws.apply();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: \S+: exists but is not a credentials JSON file .*\n$/);
      await expect(stat(ws.state)).rejects.toThrow();
      expect(await readFile(ws.creds, 'utf8')).toBe(text);
    }
  });
});

describe('keys in the credentials file', () => {
  it('every created credential has its key in the file, and nowhere else', async () => {
    const ws = await workspace('org');
    const r = await ws.apply();
    expect(r.code).toBe(0);
    await everyCredentialHasItsKey(ws.state, ws.creds);
    const keys = JSON.parse(await readFile(ws.creds, 'utf8')) as Record<string, string>;
    expect(Object.keys(keys).length).toBeGreaterThan(0);
    await expectNoSecrets(keys, { texts: outputsOf({ apply: r }), dirs: [ws.dir], except: [ws.creds] });
  });

  it('removes the keys of credentials the apply deletes, says so, and touches no other entry', async () => {
    const ws = await workspace('quickstart');
    await ws.edit('portal.yaml', '      - name: ci', '      - name: ci\n      - name: deploy');
    expect((await ws.apply()).code).toBe(0);
    const keys = JSON.parse(await readFile(ws.creds, 'utf8')) as Record<string, string>;
    // An entry this apply did not make (another portal's key, say) stays.
    await writeFile(ws.creds, JSON.stringify({ ...keys, 'credential.elsewhere/x': 'kept' }));

    await ws.edit('portal.yaml', '      - name: ci\n', '');
    const r = await ws.apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deleted credential mobile-banking/ci');
    expect(r.stdout).toContain(`removed 1 key of deleted credentials from ${ws.creds}\n`);
    expect(JSON.parse(await readFile(ws.creds, 'utf8'))).toEqual({
      'credential.mobile-banking/deploy': keys['credential.mobile-banking/deploy'],
      'credential.elsewhere/x': 'kept',
    });
    expect((await stat(ws.creds)).mode & 0o777).toBe(0o600);
  });

  it('removes the keys of credentials deleted with their application', async () => {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit('portal.yaml', /applications:[\s\S]*$/, 'applications: []\n');
    const r = await ws.apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed 1 key of deleted credentials from ${ws.creds}\n`);
    expect(JSON.parse(await readFile(ws.creds, 'utf8'))).toEqual({});
  });

  it('says nothing about removed keys when none of the deleted credentials had one in the file', async () => {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    await writeFile(ws.creds, '{}\n');
    await ws.edit('portal.yaml', '    credentials:\n      - name: ci\n', '    credentials: []\n');
    const r = await ws.apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deleted credential mobile-banking/ci');
    expect(r.stdout).not.toContain('removed');
  });
});
