// Convergence properties (issue 13, item 1), over random valid configs and random edit sequences
// (test/reliability/arbitraries.ts), on a portal seeded with objects of another namespace and objects
// nobody owns:
//   - apply, then plan shows no changes (after every config of the sequence);
//   - dump (--owned-only) plans to no changes;
//   - applying A, then B, leaves the same owned objects (as dumped) as applying B to an empty portal;
//   - objects of other namespaces and unowned objects are never touched; no application is
//     duplicated; every credential of the namespace has its key in the --credentials-out file.
// CI sizes (PORTALCTL_HEAVY=1 in parentheses): local in-process 40 sequences (300), local through the
// real binary 1 (10), emulator v3 5 (40), emulator classic 4 (30); each sequence is 1 to 3 configs.
// A failure is shrunk by fast-check and its message carries `seed` and `path`; replay it with
// PORTALCTL_PROPS_SEED=<seed> PORTALCTL_PROPS_PATH=<path> npx vitest run test/reliability/convergence.test.ts
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseCount, recordFigures } from '../helpers/reliability.js';
import { cli, spawnCli, tempDir } from '../helpers/cli.js';
import { editSequenceArb, objectCount, toYaml, type Config, type Target } from './arbitraries.js';
import { applicationsOf, duplicateApplications, lostKeys, snapshot, touched } from './portal-checks.js';
import { emulatorPortal, localPortal, localTemplate, type Portal, type Runner } from './portals.js';

const NS = 'props';

/** fast-check's parameters: a replayed seed and path when given. */
function runParameters(numRuns: number): fc.Parameters<[Config[]]> {
  const seed = process.env.PORTALCTL_PROPS_SEED;
  const path = process.env.PORTALCTL_PROPS_PATH;
  // A case that hangs fails (and is shrunk, its seed printed) instead of timing the test out.
  return { numRuns, timeout: 60_000, ...(seed !== undefined && { seed: Number(seed) }), ...(path !== undefined && { path }) };
}

interface Tally {
  cases: number;
  applies: number;
  plans: number;
  objects: number;
}

const newTally = (): Tally => ({ cases: 0, applies: 0, plans: 0, objects: 0 });

/** The owned objects, as dump writes them (no ids): what two portals are compared by. */
async function dumpOwned(run: Runner, portal: Portal): Promise<string> {
  const dumped = await run(['dump', ...portal.args, '--owned-only', '--format', 'json', '--namespace', NS], portal.env);
  // Notes name what --owned-only left out; anything else on stderr is a problem.
  expect(dumped.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('note: '))).toEqual([]);
  expect(dumped.code).toBe(0);
  return dumped.stdout;
}

/** One case: the whole sequence applied to a seeded portal, every property checked. */
type Dumped = { applications?: { reference_id: string; registrations?: { product: string; version: string; status?: string }[] }[] };

/** `app/product/version` of each registration whose status the config leaves out. */
function unmanagedStatuses(config: Config): Set<string> {
  const found = new Set<string>();
  for (const a of (config as Dumped).applications ?? []) for (const r of a.registrations ?? []) if (r.status === undefined) found.add(`${a.reference_id}/${r.product}/${r.version}`);
  return found;
}

/** A dump without the statuses of these registrations. */
function withoutStatuses(dumped: Dumped, unmanaged: ReadonlySet<string>): Dumped {
  for (const a of dumped.applications ?? []) for (const r of a.registrations ?? []) if (unmanaged.has(`${a.reference_id}/${r.product}/${r.version}`)) delete r.status;
  return dumped;
}

async function checkSequence(configs: Config[], open: () => Promise<Portal>, run: Runner, tally: Tally): Promise<void> {
  const dir = await tempDir();
  const creds = join(dir, 'creds.json');
  const portal = await open();
  let fresh: Portal | undefined;
  try {
    const foreign = snapshot(await portal.data());
    let file = '';
    for (const [i, config] of configs.entries()) {
      file = join(dir, `config-${i}.yaml`);
      await writeFile(file, toYaml(config));
      const applied = await run(['apply', file, ...portal.args, '--yes', '--credentials-out', creds], portal.env);
      expect(applied.stderr, applied.stdout).toBe('');
      expect(applied.code).toBe(0);
      const plan = await run(['plan', file, ...portal.args, '--detailed-exitcode'], portal.env);
      expect(plan.code, `plan after apply of config ${i}:\n${plan.stdout}${plan.stderr}`).toBe(0);
      tally.applies++;
      tally.plans++;
      tally.objects += objectCount(config);
    }

    const data = await portal.data();
    expect(touched(foreign, data), 'objects the runs do not own').toEqual([]);
    expect(duplicateApplications(data)).toEqual([]);
    expect(await lostKeys(data, creds, applicationsOf(data, NS, portal.developerId))).toEqual([]);

    // The dump of the owned objects is itself a config that plans to no changes.
    const dumped = await dumpOwned(run, portal);
    const dumpFile = join(dir, 'dump.yaml');
    await writeFile(dumpFile, dumped);
    const dumpPlan = await run(['plan', dumpFile, ...portal.args, '--detailed-exitcode'], portal.env);
    expect(dumpPlan.code, `plan of the dump:\n${dumpPlan.stdout}${dumpPlan.stderr}`).toBe(0);
    tally.plans++;

    // The last config alone, on a portal seeded the same way, leaves the same owned objects.
    if (configs.length > 1) {
      fresh = await open();
      const alone = await run(['apply', file, ...fresh.args, '--yes', '--credentials-out', join(dir, 'creds-alone.json')], fresh.env);
      expect(alone.code, alone.stderr).toBe(0);
      tally.applies++;
      // A registration whose status the last config leaves out keeps whatever status it had (the
      // status is then unmanaged, by design): only what the last config manages must be the same.
      const unmanaged = unmanagedStatuses(configs[configs.length - 1]!);
      expect(withoutStatuses(JSON.parse(await dumpOwned(run, fresh)), unmanaged)).toEqual(withoutStatuses(JSON.parse(dumped), unmanaged));
    }
    tally.cases++;
  } finally {
    await portal.stop();
    await fresh?.stop();
  }
}

function property(target: Target, open: () => Promise<Portal>, run: Runner, tally: Tally, maxApplications?: number) {
  return fc.asyncProperty(editSequenceArb(target, NS, maxApplications === undefined ? {} : { maxApplications }), (configs) => checkSequence(configs, open, run, tally));
}

function record(proof: string, tally: Tally, extra: Record<string, number | string> = {}): void {
  recordFigures(proof, { cases: tally.cases, applies: tally.applies, plans_without_changes: tally.plans, objects_declared: tally.objects, foreign_objects_touched: 0, objects_lost: 0, keys_lost: 0, duplicates: 0, ...extra });
}

describe('convergence on the local backend', () => {
  let template = '';
  beforeAll(async () => {
    template = await localTemplate();
  });

  it('random configs and edit sequences converge, in process', async () => {
    const tally = newTally();
    const inProcess = newTally();
    await fc.assert(property('local', () => localPortal(template), cli, inProcess), runParameters(caseCount(40, 300)));
    // A few through the real binary: what a user runs.
    const binary = newTally();
    await fc.assert(property('local', () => localPortal(template), (argv, env) => spawnCli(argv, { ...(env && { env }) }), binary), runParameters(caseCount(1, 10)));
    for (const t of [inProcess, binary]) for (const k of Object.keys(tally) as (keyof Tally)[]) tally[k] += t[k];
    record('convergence.local', tally, { cases_through_binary: binary.cases });
  }, 180_000);
});

describe('convergence against the emulator', () => {
  it('v3: random configs and edit sequences converge', async () => {
    const tally = newTally();
    await fc.assert(property('v3', () => emulatorPortal('v3'), cli, tally, 5), runParameters(caseCount(5, 40)));
    record('convergence.emulator-v3', tally);
  }, 180_000);

  it('classic: random configs and edit sequences converge (the namespace is the session developer; foreign applications are another developer\'s)', async () => {
    const tally = newTally();
    await fc.assert(property('classic', () => emulatorPortal('classic'), cli, tally, 5), runParameters(caseCount(4, 30)));
    record('convergence.emulator-classic', tally);
  }, 180_000);
});
