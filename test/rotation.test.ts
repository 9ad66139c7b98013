import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

/**
 * Key rotation as code on the local backend (README "Key rotation"): the clock is moved with
 * PORTALCTL_NOW, for the CLI (its env) and for the store that stamps new keys (this process's env).
 */

const T0 = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The environment of a run `days` after T0; the in-process store reads the same clock. */
function at(days: number): NodeJS.ProcessEnv {
  const iso = new Date(T0 + days * DAY).toISOString();
  vi.stubEnv('PORTALCTL_NOW', iso);
  return { PORTALCTL_NOW: iso };
}

function config(credentials: string, { ttl = '' } = {}): string {
  return `namespace: rot
auth_strategies:
  - name: key-auth
    type: key_auth
${ttl}products:
  - name: billing
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
applications:
  - reference_id: app
    name: App
    auth_strategy: key-auth
    registrations:
      - { product: billing, version: v1 }
    credentials:
${credentials}`;
}

async function workspace(text: string) {
  const dir = await tempDir();
  const file = join(dir, 'portal.yaml');
  await writeFile(file, text);
  const common = ['--state', join(dir, 'state.json')];
  const creds = join(dir, 'creds.json');
  const keys = async () => JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>;
  const plan = (env: NodeJS.ProcessEnv, ...extra: string[]) => cli(['plan', file, ...common, ...extra], env);
  const apply = (env: NodeJS.ProcessEnv) => cli(['apply', file, ...common, '--yes', '--credentials-out', creds], env);
  const dump = (env: NodeJS.ProcessEnv) => cli(['dump', ...common], env);
  return { dir, file, plan, apply, dump, keys, rewrite: (t: string) => writeFile(file, t) };
}

const ROTATED = '      - name: ci\n        rotate_every: 90d\n        overlap: 7d\n';

describe('key rotation', () => {
  it('by time: past rotate_every, plan creates the next generation and keeps the old one; past the overlap, plan deletes the old one', async () => {
    const w = await workspace(config(ROTATED));
    expect((await w.apply(at(0))).code).toBe(0);
    const first = (await w.keys())['credential.app/ci']!;

    expect((await w.plan(at(89))).stdout).toContain('No changes.');

    const due = await w.plan(at(91));
    expect(due.code).toBe(0);
    expect(due.stdout).toContain('creating credential app/ci@2\n');
    expect(due.stdout).toContain(
      '  rotation: generation 2 of credential.app/ci (due since 2030-04-01 00:00Z: made 2030-01-01 00:00Z, rotate_every 90d); generation 1 (credential.app/ci) stays valid until 2030-04-09 00:00Z, and a plan after that deletes it\n',
    );
    expect(due.stdout).not.toContain('deleting');
    const json = JSON.parse((await w.plan(at(91), '--format', 'json')).stdout);
    expect(json.changes.map((c: { action: string; address: string }) => `${c.action} ${c.address}`)).toEqual(['create credential.app/ci@2']);
    expect(json.changes[0].rotation).toContain('stays valid until 2030-04-09 00:00Z');

    const rotated = await w.apply(at(91));
    expect(rotated.code).toBe(0);
    const both = await w.keys();
    expect(both['credential.app/ci']).toBe(first);
    const second = both['credential.app/ci@2']!;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    expect(rotated.stdout + rotated.stderr).not.toContain(second);

    // During the overlap both generations are kept: nothing to do.
    expect((await w.plan(at(97))).stdout).toContain('No changes.');

    const retire = await w.plan(at(99));
    expect(retire.stdout).toContain('deleting credential app/ci\n  rotation: generation 1 of credential.app/ci, retired: its overlap (7d) ended 2030-04-09 00:00Z\n');
    expect(retire.stdout).not.toContain('creating');
    const retired = await w.apply(at(99));
    expect(retired.code).toBe(0);
    // The old key leaves the credentials file with its credential.
    expect(await w.keys()).toEqual({ 'credential.app/ci@2': second });
    expect((await w.plan(at(99))).stdout).toContain('No changes.');

    // The next rotation is due rotate_every after generation 2 was made.
    expect((await w.plan(at(91 + 89))).stdout).toContain('No changes.');
    expect((await w.plan(at(91 + 91))).stdout).toContain('creating credential app/ci@3\n');
    for (const run of [due, rotated, retire, retired]) {
      for (const key of [first, second]) expect(run.stdout + run.stderr).not.toContain(key);
    }
  });

  it('by a raised generation: plan rotates at once, whatever the clock', async () => {
    const w = await workspace(config('      - name: ci\n'));
    expect((await w.apply(at(0))).code).toBe(0);
    await w.rewrite(config('      - name: ci\n        generation: 2\n        overlap: 1d\n'));
    const bumped = await w.plan(at(0));
    expect(bumped.stdout).toContain('creating credential app/ci@2\n  rotation: generation 2 of credential.app/ci (generation raised to 2); generation 1 (credential.app/ci) stays valid until 2030-01-02 00:00Z');
    expect(bumped.stdout).toContain('Created: 1\n');
    expect(bumped.stdout).toContain('Deleted: 0\n');
    expect((await w.apply(at(0))).code).toBe(0);
    expect(Object.keys(await w.keys()).sort()).toEqual(['credential.app/ci', 'credential.app/ci@2']);
    expect((await w.plan(at(0.5))).stdout).toContain('No changes.');
    expect((await w.plan(at(1.5))).stdout).toContain('deleting credential app/ci\n');
    // A counter lowered again (a revert) rotates nothing back, and says so.
    await w.rewrite(config('      - name: ci\n        generation: 1\n        overlap: 1d\n'));
    const lowered = await w.plan(at(0.5));
    expect(lowered.stdout + lowered.stderr).toContain('credential.app/ci: generation 1 is below the live generation 2, so nothing rotates; raise it above 2 to rotate');
    expect(lowered.stdout).toContain('No changes.');
  });

  it('refuses a rotation that would give the application more than 20 credentials during the overlap, naming its line', async () => {
    const others = Array.from({ length: 19 }, (_, i) => `      - name: other-${i}\n`).join('');
    const w = await workspace(config(others + '      - name: ci\n'));
    expect((await w.apply(at(0))).code).toBe(0);
    await w.rewrite(config(others + '      - name: ci\n        generation: 2\n'));
    const refused = await w.plan(at(0));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: .*portal\.yaml:36:\d+: credential\.app\/ci: rotating it now would give application "app" 21 credentials while the old key overlaps; a portal allows at most 20 per application \(remove a credential in an apply before this one\)\n$/,
    );
    // Creates run before deletes: dropping a credential in the same plan does not make room.
    const fewer = others.replace('      - name: other-0\n', '');
    await w.rewrite(config(fewer + '      - name: ci\n        generation: 2\n'));
    expect((await w.plan(at(0))).code).toBe(1);
    // Dropped in an apply before it, the rotation fits.
    await w.rewrite(config(fewer + '      - name: ci\n'));
    expect((await w.apply(at(0))).code).toBe(0);
    await w.rewrite(config(fewer + '      - name: ci\n        generation: 2\n'));
    const fits = await w.plan(at(0));
    expect(fits.code).toBe(0);
    expect(fits.stdout).toContain('creating credential app/ci@2\n');
  });

  it('warns a week ahead of a key that expires (the strategy ttl), naming it and the date, and once it has expired', async () => {
    const w = await workspace(config('      - name: ci\n', { ttl: '    ttl: { value: 10, unit: days }\n' }));
    expect((await w.apply(at(0))).code).toBe(0);
    const early = await w.plan(at(2));
    expect(early.stdout + early.stderr).not.toContain('expire');
    const soon = await w.plan(at(5));
    expect(soon.code).toBe(0);
    expect(soon.stdout + soon.stderr).toContain('credential.app/ci: its key expires on 2030-01-11 00:00Z (in 5 days); rotate it before then (raise generation)');
    const late = await w.plan(at(11));
    expect(late.stdout + late.stderr).toContain('credential.app/ci: its key expired on 2030-01-11 00:00Z; rotate it (raise generation)');
    // Rotating replaces the expired key with a fresh one; the old one goes after the overlap.
    await w.rewrite(config('      - name: ci\n        generation: 2\n', { ttl: '    ttl: { value: 10, unit: days }\n' }));
    expect((await w.plan(at(11))).stdout).toContain('creating credential app/ci@2\n');
  });

  it('dumps a rotated credential as one credential at its newest generation; planning the dump shows no changes', async () => {
    const w = await workspace(config(ROTATED));
    await w.apply(at(0));
    await w.apply(at(91));
    const dumped = await w.dump(at(92));
    expect(dumped.code).toBe(0);
    expect(dumped.stdout).toContain('    credentials:\n      - name: ci\n        generation: 2\n');
    expect(dumped.stdout).not.toContain('ci@');
    await w.rewrite(dumped.stdout);
    expect((await w.plan(at(92))).stdout).toContain('No changes.');
  });

  it('refuses a PORTALCTL_NOW that is not a time, in one line', async () => {
    const w = await workspace(config(ROTATED));
    const bad = await w.plan({ PORTALCTL_NOW: 'tomorrow' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: PORTALCTL_NOW="tomorrow" is not an ISO 8601 time (e.g. 2030-01-31T12:00:00Z)\n');
  });
});
