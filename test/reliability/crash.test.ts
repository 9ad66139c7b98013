// Crash safety (issue 13, item 2): `portalctl apply` (the real binary, in a child process) killed with
// SIGKILL at random points of an apply of a few hundred changes, on the local backend and against
// the emulator (which keeps running: only portalctl is killed). After every kill: the state reads
// cleanly (a plan runs), no application is duplicated, no key is lost (every credential of the
// namespace has its key in the --credentials-out file: the store keeps each key's sha256), and the
// objects the config does not own are untouched. After the last kill a rerun converges: plan shows
// no changes, so no declared object is lost. (test/crash.test.ts has the first kill of this kind.)
// Kill points: after the k-th outcome line (`created …`) of the child's output, plus a random delay
// of a few milliseconds, so kills land while writes are in flight and while the state is saved.
// CI sizes (PORTALCTL_HEAVY=1 in parentheses): local 20 kills (100) of an apply of 243 changes;
// emulator v3 20 kills (100) across an apply of 243 changes resumed after each kill (when it
// finishes first, across the apply that deletes it all, then creates it again).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, tempDir } from '../helpers/cli.js';
import { caseCount, recordFigures } from '../helpers/reliability.js';
import { applicationsOf, duplicateApplications, lostKeys, snapshot, touched } from './portal-checks.js';
import { emulatorPortal, localPortal, localTemplate, type Portal } from './portals.js';

const NS = 'crash';
const APPS = 80;

/** 80 applications, each with a registration and a credential, and what they need: 243 creates. */
function bigConfig(): string {
  const apps = Array.from(
    { length: APPS },
    (_, i) => `  - reference_id: crash-${i}\n    name: Crash ${i}\n    auth_strategy: crash-keys\n    registrations: [{ product: crash-shop, version: v1 }]\n    credentials: [{ name: ci }]\n`,
  );
  return `namespace: ${NS}
auth_strategies: [{ name: crash-keys, type: key_auth }]
products:
  - name: crash-shop
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: crash-keys, auto_approve: true } }]
applications:
${apps.join('')}`;
}
const CHANGES = 3 + APPS * 3;
/** Writes in flight at once against the emulator. */
const CONCURRENCY = 4;

const portals: Portal[] = [];
afterEach(async () => {
  await Promise.all(portals.splice(0).map((p) => p.stop()));
});

/**
 * Runs the binary's apply and kills it with SIGKILL after `lines` outcome lines and `delayMs` more
 * (or lets it finish when it ends first). Returns how many outcome lines it printed and whether it was killed.
 */
function killedApply(argv: string[], env: Record<string, string>, lines: number, delayMs: number): Promise<{ killed: boolean; seen: number; output: string }> {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
  let out = '';
  let seen = 0;
  let armed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    seen = (out.match(/^(created|updated|deleted|replaced|failed:|skipped:) /gm) ?? []).length;
    if (!armed && seen >= lines) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  return new Promise((resolve) => child.on('close', () => resolve({ killed: child.signalCode === 'SIGKILL', seen, output: out })));
}

/**
 * What must hold after every kill; returns the credentials whose key is not in the file. Against
 * Konnect a kill may leave creates in flight without their keys (`keysMayBeLost`): the next apply
 * makes them again from the credentials file's journal, so they are checked once it converges.
 */
async function checkAfterKill(portal: Portal, foreign: Map<string, string>, config: string, creds: string, keysMayBeLost = false): Promise<string[]> {
  // The state reads cleanly: a plan runs (exit 0: no changes, 2: changes left).
  const plan = await cli(['plan', config, ...portal.args, '--detailed-exitcode'], portal.env);
  expect(plan.stderr).toBe('');
  expect([0, 2]).toContain(plan.code);
  const data = await portal.data();
  expect(duplicateApplications(data)).toEqual([]);
  const lost = await lostKeys(data, creds, applicationsOf(data, NS));
  if (!keysMayBeLost) expect(lost).toEqual([]);
  expect(touched(foreign, data)).toEqual([]);
  return lost;
}

/** The rerun converges: apply finishes, then plan shows no changes; every declared application is there once. */
async function checkConverges(portal: Portal, foreign: Map<string, string>, config: string, creds: string): Promise<void> {
  const rerun = await cli(['apply', config, ...portal.args, '--yes', '--credentials-out', creds], portal.env);
  expect(rerun.stderr).toBe('');
  expect(rerun.code).toBe(0);
  const plan = await cli(['plan', config, ...portal.args, '--detailed-exitcode'], portal.env);
  expect(plan.code, plan.stdout).toBe(0);
  const data = await portal.data();
  expect(applicationsOf(data, NS).size).toBe(APPS);
  expect(Object.values(data.credentials).filter((c) => applicationsOf(data, NS).has(c.application_id))).toHaveLength(APPS);
  expect(duplicateApplications(data)).toEqual([]);
  expect(await lostKeys(data, creds, applicationsOf(data, NS))).toEqual([]);
  expect(touched(foreign, data)).toEqual([]);
}

describe('an apply killed with SIGKILL', () => {
  it('on the local backend: at every kill point the state reads, nothing is duplicated or lost; a rerun converges', async () => {
    const dir = await tempDir();
    const config = join(dir, 'crash.yaml');
    await writeFile(config, bigConfig());
    const creds = join(dir, 'creds.json');
    const template = await localTemplate();
    let portal = await localPortal(template);
    const foreign = snapshot(await portal.data());
    const kills = caseCount(20, 100);
    // Kill points spread over the whole apply (the last ones after its last line, while it saves).
    const points = fc.sample(fc.tuple(fc.integer({ min: 1, max: CHANGES }), fc.integer({ min: 0, max: 30 })), { numRuns: kills, seed: 13 });
    let killed = 0;
    let completed = 0;
    // Kills that came too late (the apply had finished) do not count: go on until there were `kills`.
    for (let i = 0; killed < kills && i < 3 * kills; i++) {
      const [line, delay] = points[i % points.length]!;
      // Every fourth kill aims at the end: the single write of the state.
      const at = i % 4 === 3 ? CHANGES : line;
      const run = await killedApply(['apply', config, '--yes', '--state', portal.args[1]!, '--credentials-out', creds], {}, at, delay);
      if (run.killed) killed++;
      else completed++;
      await checkAfterKill(portal, foreign, config, creds);
      // An apply that finished before its kill: start over from the seeded state.
      if (!run.killed) {
        expect(run.output).not.toMatch(/error/);
        portal = await localPortal(template);
      }
    }
    expect(killed).toBe(kills);
    await checkConverges(portal, foreign, config, creds);
    recordFigures('crash.local', { kills: killed, applies_finished_before_kill: completed, changes_per_apply: CHANGES, states_unreadable: 0, duplicates: 0, objects_lost: 0, keys_lost: 0, foreign_objects_touched: 0 });
  }, 240_000);

  it('against the emulator (v3; the emulator keeps running): at every kill point nothing is duplicated or lost; a rerun converges', async () => {
    const portal = await emulatorPortal('v3');
    portals.push(portal);
    const dir = await tempDir();
    const config = join(dir, 'crash.yaml');
    await writeFile(config, bigConfig());
    const creds = join(dir, 'creds.json');
    const foreign = snapshot(await portal.data());
    const kills = caseCount(20, 100);
    // Each kill resumes where the one before stopped: a few outcome lines into the run, so the kills
    // spread across the whole apply of CHANGES.
    const points = fc.sample(fc.tuple(fc.integer({ min: 1, max: Math.max(2, Math.floor(CHANGES / kills) - 2) }), fc.integer({ min: 0, max: 10 })), { numRuns: kills, seed: 13 });
    let killed = 0;
    let landed = 0;
    // When an apply finishes before the kills are done, the next one deletes it all (a few hundred
    // deletes to kill in), then the one after creates it again.
    const empty = join(dir, 'empty.yaml');
    await writeFile(empty, `namespace: ${NS}\nauth_strategies: []\nproducts: []\napplications: []\n`);
    let target = config;
    for (let i = 0; killed < kills && i < 3 * kills; i++) {
      const [line, delay] = points[i % points.length]!;
      const run = await killedApply(['apply', target, ...portal.args, '--yes', '--credentials-out', creds, '--concurrency', String(CONCURRENCY)], portal.env, line, delay);
      if (run.killed) killed++;
      landed += run.seen;
      await checkAfterKill(portal, foreign, target, creds, true);
      if (!run.killed) target = target === config ? empty : config;
    }
    expect(killed).toBe(kills);
    // A credential whose create landed while portalctl was killed before it wrote the key has no key
    // anywhere yet; the journal (<creds>.pending) names it, and the rerun makes it again with a new key.
    const awaiting = await lostKeys(await portal.data(), creds, applicationsOf(await portal.data(), NS));
    expect(awaiting.length).toBeLessThanOrEqual(CONCURRENCY);
    await checkConverges(portal, foreign, config, creds);
    // Settled: the journal is gone and a plan reading it has nothing to make again.
    const settled = await cli(['plan', config, ...portal.args, '--credentials-out', creds, '--detailed-exitcode'], portal.env);
    expect(settled.code, settled.stdout).toBe(0);
    recordFigures('crash.emulator', { kills: killed, changes_in_apply: CHANGES, changes_reported_before_kills: landed, duplicates: 0, objects_lost: 0, keys_awaiting_reissue_after_last_kill: awaiting.length, keys_lost: 0, foreign_objects_touched: 0 });
  }, 240_000);
});
