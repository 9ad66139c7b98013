// Faults (issue 13, item 3), against the emulator. Already covered elsewhere, and not repeated here:
// --fail-rate 0.3 on 200 applications without credentials (test/konnect/scale.test.ts), on classic
// with credentials (test/konnect-classic/quickstart.test.ts), and a lost answer to one POST at the
// HTTP client (test/konnect-client/post-once.test.ts). Here:
//   - --fail-rate 0.3 on random configs (credentials, registration statuses, edits) with foreign
//     objects: apply converges (reruns allowed), the faults injected are counted;
//   - the emulator stopped in the middle of an apply: apply says what it applied and what it could
//     not, exits 1; after a restart on the same --state file a rerun finishes;
//   - the answers of chosen POSTs lost after the write landed (--lose-post-answer): no duplicate.
// CI sizes (PORTALCTL_HEAVY=1 in parentheses): fail-rate 3 sequences of up to 2 configs (30); stop 1 (8 applications); lost POST answers:
// every other POST of an apply of 12 applications (100).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { caseCount, recordFigures } from '../helpers/reliability.js';
import { editSequenceArb, toYaml } from './arbitraries.js';
import { applicationsOf, duplicateApplications, lostKeys, snapshot, touched } from './portal-checks.js';
import { emulatorPortal, ENV, type Portal } from './portals.js';

const NS = 'faults';
const APPS_AT_STOP = 8;
const portals: Portal[] = [];
afterEach(async () => {
  await Promise.all(portals.splice(0).map((p) => p.stop()));
});

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Applies until it exits 0 (at most `tries` runs); returns how many runs it took. */
async function applyUntilDone(file: string, portal: Portal, creds: string, tries = 4): Promise<number> {
  for (let run = 1; ; run++) {
    const r = await cli(['apply', file, ...portal.args, '--yes', '--credentials-out', creds], portal.env);
    if (r.code === 0) return run;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^(error: .*\n)*apply incomplete: .*; fix the cause and apply again\n$|^error: /);
    if (run >= tries) throw new Error(`apply did not converge in ${tries} runs: ${r.stdout}${r.stderr}`);
  }
}

describe('faults against the emulator', () => {
  it('with --fail-rate 0.3, random configs and edits converge (reruns allowed), with nothing duplicated, lost or touched', async () => {
    let cases = 0;
    let reruns = 0;
    let faults = 0;
    let seed = 100;
    await fc.assert(
      fc.asyncProperty(editSequenceArb('v3', NS, { maxApplications: 4, maxLength: 2 }), async (configs) => {
        const portal = await emulatorPortal('v3', { failRate: 0.3, seed: seed++ });
        portals.push(portal);
        const foreign = snapshot(await portal.data());
        const dir = await tempDir();
        const creds = join(dir, 'creds.json');
        const before = sum(portal.emulator!.faults.injected);
        for (const [i, config] of configs.entries()) {
          const file = join(dir, `config-${i}.yaml`);
          await writeFile(file, toYaml(config));
          reruns += (await applyUntilDone(file, portal, creds)) - 1;
          // Plans read through faults too: a plan may need a second try, never shows changes.
          let plan = await cli(['plan', file, ...portal.args, '--detailed-exitcode'], portal.env);
          if (plan.code === 1) plan = await cli(['plan', file, ...portal.args, '--detailed-exitcode'], portal.env);
          expect(plan.code, plan.stdout + plan.stderr).toBe(0);
        }
        const data = await portal.data();
        expect(duplicateApplications(data)).toEqual([]);
        expect(await lostKeys(data, creds, applicationsOf(data, NS))).toEqual([]);
        expect(touched(foreign, data)).toEqual([]);
        faults += sum(portal.emulator!.faults.injected) - before;
        cases++;
        await portal.stop();
      }),
      { numRuns: caseCount(3, 30), timeout: 90_000 },
    );
    expect(faults).toBeGreaterThan(0);
    recordFigures('faults.fail-rate', { cases, fail_rate: 0.3, faults_injected: faults, reruns, duplicates: 0, objects_lost: 0, keys_lost: 0, foreign_objects_touched: 0 });
  }, 240_000);

  it('with the emulator stopped in the middle of an apply: exit 1, what applied and what did not; after a restart on the same state a rerun finishes', async () => {
    const dir = await tempDir();
    const stateFile = join(dir, 'emulator-state.json');
    const apps = Array.from({ length: APPS_AT_STOP }, (_, i) => `  - reference_id: s-${i}\n    name: S ${i}\n    auth_strategy: s-keys\n    registrations: [{ product: s-shop, version: v1 }]\n    credentials: [{ name: ci }]\n`).join('');
    const file = join(dir, 'stop.yaml');
    await writeFile(file, `namespace: ${NS}\nauth_strategies: [{ name: s-keys, type: key_auth }]\nproducts:\n  - name: s-shop\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: s-keys, auto_approve: true } }]\napplications:\n${apps}`);
    const creds = join(dir, 'creds.json');

    const first = await emulatorPortal('v3', { state: stateFile, latencyMs: 20 });
    portals.push(first);
    const foreign = snapshot(await first.data());
    // Stop the emulator once some of the namespace's applications exist. (Each write that then finds
    // it gone is retried with backoff for about 15 s before it counts as failed: few writes, all in
    // flight at once, keep this short.)
    const applying = cli(['apply', file, ...first.args, '--yes', '--credentials-out', creds, '--concurrency', String(APPS_AT_STOP)], ENV);
    while (applicationsOf(first.emulator!.state.data, NS).size < 2) await new Promise((r) => setTimeout(r, 2));
    await first.stop();
    const stopped = await applying;
    expect(stopped.code).toBe(1);
    const applied = Number(/apply incomplete: (\d+) applied/.exec(stopped.stderr)?.[1]);
    expect(stopped.stderr, stopped.stderr).toMatch(/apply incomplete: \d+ applied, \d+ failed(, \d+ skipped)?.*; fix the cause and apply again\n$/);
    expect(applied).toBeGreaterThan(0);
    expect(stopped.stdout).toMatch(/^failed: /m);

    const second = await emulatorPortal('v3', { state: stateFile });
    portals.push(second);
    const rerun = await cli(['apply', file, ...second.args, '--yes', '--credentials-out', creds], ENV);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect((await cli(['plan', file, ...second.args, '--detailed-exitcode'], ENV)).code).toBe(0);
    const data = await second.data();
    expect(duplicateApplications(data)).toEqual([]);
    expect(applicationsOf(data, NS).size).toBe(APPS_AT_STOP);
    expect(await lostKeys(data, creds, applicationsOf(data, NS))).toEqual([]);
    expect(touched(foreign, data)).toEqual([]);
    recordFigures('faults.emulator-stopped', { stops: 1, changes: 3 + APPS_AT_STOP * 3, applied_before_stop: applied, rerun_exit: rerun.code, duplicates: 0, objects_lost: 0, keys_lost: 0 });
  }, 120_000);

  it('a POST whose answer is lost after it landed never creates a duplicate: every create of the apply loses its answer once', async () => {
    const n = caseCount(12, 100);
    const apps = Array.from({ length: n }, (_, i) => `  - reference_id: l-${i}\n    name: L ${i}\n    auth_strategy: l-keys\n    registrations: [{ product: l-shop, version: v1, status: ${i % 2 ? 'pending' : 'approved'} }]\n    credentials: [{ name: ci }]\n`).join('');
    const dir = await tempDir();
    const file = join(dir, 'lost.yaml');
    await writeFile(file, `namespace: ${NS}\nauth_strategies: [{ name: l-keys, type: key_auth }]\nproducts:\n  - name: l-shop\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: l-keys, auto_approve: false } }]\napplications:\n${apps}`);
    const creds = join(dir, 'creds.json');
    // Every other POST loses its answer, from the seeding of the foreign objects on, far enough for the whole apply.
    const lossy = await emulatorPortal('v3', { losePostAnswers: Array.from({ length: 4 * n + 20 }, (_, i) => 2 * i + 1) });
    portals.push(lossy);
    const lossyForeign = snapshot(await lossy.data());
    const posts = () => lossy.emulator!.faults.injected['reset-after'] ?? 0;
    const before = posts();
    const r = await cli(['apply', file, ...lossy.args, '--yes', '--credentials-out', creds, '--concurrency', '1'], ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lost = posts() - before;
    // Each application, registration and credential create (and the strategy's) had its answer lost at least once.
    expect(lost).toBeGreaterThanOrEqual(n);
    const data = await lossy.data();
    expect(duplicateApplications(data)).toEqual([]);
    expect(applicationsOf(data, NS).size).toBe(n);
    const ours = applicationsOf(data, NS);
    expect(Object.values(data.registrations).filter((x) => ours.has(x.application_id))).toHaveLength(n);
    expect(Object.values(data.credentials).filter((x) => ours.has(x.application_id))).toHaveLength(n);
    expect(await lostKeys(data, creds, ours)).toEqual([]);
    expect(touched(lossyForeign, data)).toEqual([]);
    expect((await cli(['plan', file, ...lossy.args, '--detailed-exitcode'], ENV)).code).toBe(0);
    recordFigures('faults.lost-post', { applications: n, post_answers_lost: lost, duplicates: 0, keys_lost: 0, objects_lost: 0 });
  }, 120_000);
});
