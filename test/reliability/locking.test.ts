import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hashKey, LocalBackend } from '../../src/backends/local/local-backend.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, cli, ROOT, spawnCli, STACK_TRACE, tempDir } from '../helpers/cli.js';
import { manyApplications } from '../helpers/configs.js';
import { caseCount, recordFigures } from '../helpers/reliability.js';

/**
 * Locking and concurrent changes (RELIABILITY.md "locking"). test/lock.test.ts judges every kind of
 * lock file in-process (empty, half-written, dead pid, reused pid, rebooted, another host, a crashed
 * take-over) and races 12 applies of different configs; this file adds, through the real binary:
 * a second apply refused at once while a live apply holds the lock; a lock left by an apply killed
 * with SIGKILL, taken over; N applies of one config with credentials racing for a stale lock, each
 * retrying until done, losing nothing; and, on Konnect (the emulator), where there is no lock, a
 * change made between plan and apply caught by the saved plan's per-object check.
 *
 * CI sizes (PORTALCTL_HEAVY=1 in brackets): 6 (12) racers over 40 (300) applications. About 15 s.
 */

const RACERS = caseCount(6, 12);
const APPS = caseCount(40, 300);
const figures: Record<string, Record<string, number | string | boolean>> = {};

const oneLine = (text: string) => expect(text.split('\n').filter(Boolean), text).toHaveLength(1);

/** A script for NODE_OPTIONS=--import that holds an apply just before it writes the state file, until `go` exists. */
async function pauseBeforeStateWrite(dir: string, state: string): Promise<{ env: NodeJS.ProcessEnv; paused: string; go: string }> {
  const paused = join(dir, 'paused');
  const go = join(dir, 'go');
  const hook = join(dir, 'pause.mjs');
  await writeFile(
    hook,
    `import fs from 'node:fs';\nimport { syncBuiltinESMExports } from 'node:module';\n` +
      `const rename = fs.promises.rename;\n` +
      `fs.promises.rename = async (from, to) => {\n` +
      `  if (String(to) === ${JSON.stringify(state)}) {\n` +
      `    fs.writeFileSync(${JSON.stringify(paused)}, String(process.pid));\n` +
      `    while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));\n` +
      `  }\n` +
      `  return rename(from, to);\n` +
      `};\nsyncBuiltinESMExports();\n`,
  );
  return { env: { NODE_OPTIONS: `--import=${hook}` }, paused, go };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('two applies on one local state', () => {
  it('while one holds the lock the other exits 3 at once, naming it; the first then finishes alone', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    await writeFile(first, manyApplications(20, { prefix: 'first', namespace: 'one' }));
    await writeFile(second, manyApplications(20, { prefix: 'second', namespace: 'two' }));
    const pause = await pauseBeforeStateWrite(dir, state);
    const running = spawnCli(['apply', first, '--yes', '--state', state, '--credentials-out', join(dir, 'first-creds.json')], { env: pause.env, timeoutMs: 60_000 });
    await until(() => existsSync(pause.paused), 'the first apply to hold the lock');
    const holder = (await readFile(pause.paused, 'utf8')).trim();

    const refused = await spawnCli(['apply', second, '--yes', '--state', state, '--credentials-out', join(dir, 'second-creds.json')]);
    expect(refused.code, refused.stderr).toBe(3);
    oneLine(refused.stderr);
    expect(refused.stderr).toBe(`error: another apply holds the lock on ${state} (pid ${holder} since ${JSON.parse(await readFile(`${state}.lock`, 'utf8')).since}); if none is running, remove ${state}.lock\n`);
    expect(refused.stdout).toBe('');
    // "At once": it did not wait for the holder, which is still paused.
    expect(existsSync(join(dir, 'state.json'))).toBe(false);

    await writeFile(pause.go, '');
    const done = await running;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const live = await new LocalBackend(state).read();
    expect([...live.all()].filter((r) => r.kind === 'application').map((r) => r.key).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `first-${i}`).sort());
    expect(existsSync(`${state}.lock`)).toBe(false);
    figures['locking.local'] = { applies: 2, refused_at_once: 1, refusal_ms: refused.ms, named_holder: true, objects_of_refused_apply_written: 0 };
  });
});

describe('a lock left behind', () => {
  it('by an apply killed with SIGKILL while holding it: the next apply takes it over and converges', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const config = join(dir, 'c.yaml');
    await writeFile(config, manyApplications(20, { namespace: 'killed' }));
    const pause = await pauseBeforeStateWrite(dir, state);
    const child = spawn(process.execPath, [BIN, 'apply', config, '--yes', '--state', state, '--credentials-out', join(dir, 'creds-1.json')], { env: { PATH: process.env.PATH, ...pause.env }, stdio: 'ignore' });
    await until(() => existsSync(pause.paused), 'the apply to hold the lock');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(JSON.parse(await readFile(`${state}.lock`, 'utf8')).pid).toBe(child.pid);

    const next = await spawnCli(['apply', config, '--yes', '--state', state, '--credentials-out', join(dir, 'creds-2.json')]);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect((await spawnCli(['plan', config, '--state', state, '--detailed-exitcode'])).code).toBe(0);
    expect((await readdir(dir)).filter((f) => f.includes('.lock'))).toEqual([]);
    figures.stale = { ...figures.stale, killed_holder_taken_over: 1 };
  });

  it.each([
    ['a dead process of this host', async () => ({ pid: await deadPid(), host: hostname() }), 0],
    ['a reused pid (a live process that started at another time)', async () => ({ pid: process.pid, host: hostname(), start_time: '1' }), 0],
    ['a process of another host', async () => ({ pid: process.pid, host: 'build-agent-7' }), 3],
  ] as const)('by %s: taken over (exit 0) or refused naming the host (exit 3), as README says', async (_, holder, code) => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const config = join(dir, 'c.yaml');
    await writeFile(config, manyApplications(3, { namespace: 'stale' }));
    await writeFile(`${state}.lock`, JSON.stringify({ ...(await holder()), since: '2026-01-01T00:00:00Z' }));
    const r = await spawnCli(['apply', config, '--yes', '--state', state, '--credentials-out', join(dir, 'creds.json')]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    if (code === 3) {
      oneLine(r.stderr);
      expect(r.stderr).toContain('another apply on host "build-agent-7" holds the lock');
      expect(existsSync(state)).toBe(false);
    } else {
      expect(r.stderr).toBe('');
      expect(existsSync(`${state}.lock`)).toBe(false);
    }
    const key = code === 0 ? 'taken_over' : 'refused_foreign';
    figures.stale = { ...figures.stale, [key]: Number(figures.stale?.[key] ?? 0) + 1 };
  });
});

/** The pid of a process that has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

describe(`${RACERS} applies of one config racing for a stale lock`, () => {
  it('each retries until it is through; the state holds exactly the declared objects, once each, and every key is in a credentials file', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const config = join(dir, 'race.yaml');
    await writeFile(config, manyApplications(APPS, { namespace: 'race' }));
    await writeFile(`${state}.lock`, JSON.stringify({ pid: await deadPid(), host: hostname(), since: '2026-01-01T00:00:00Z' }) + '\n');
    // Every racer waits at a barrier until all have started, so that they meet at the stale lock.
    const barrier = join(dir, 'barrier.mjs');
    const go = join(dir, 'go');
    await writeFile(
      barrier,
      `import { existsSync, writeFileSync } from 'node:fs';\n` +
        `writeFileSync(${JSON.stringify(dir)} + '/ready-' + process.pid, '');\n` +
        `while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));\n`,
    );
    let refusals = 0;
    let attempts = 0;
    const racer = async (i: number) => {
      for (let round = 0; ; round++) {
        attempts++;
        const r = await spawnCli(['apply', config, '--yes', '--state', state, '--credentials-out', join(dir, `creds-${i}.json`)], {
          timeoutMs: 120_000,
          env: round === 0 ? { NODE_OPTIONS: `--import=${barrier}` } : {},
        });
        if (r.code === 0) return r;
        expect(r.code, r.stderr).toBe(3);
        oneLine(r.stderr);
        expect(r.stderr).toMatch(/^error: another apply holds the lock on .* \(pid \d+ since [^)]+\); if none is running, remove /);
        refusals++;
        if (round > 50) throw new Error('never got the lock');
      }
    };
    const pending = Array.from({ length: RACERS }, (_, i) => racer(i));
    await until(async () => (await readdir(dir)).filter((f) => f.startsWith('ready-')).length >= RACERS, 'the racers to start');
    await writeFile(go, '');
    const runs = await Promise.all(pending);

    // Exactly one racer created the objects; the others found nothing to do.
    const creators = runs.filter((r) => /^created application /m.test(r.stdout));
    expect(creators).toHaveLength(1);
    const stored = JSON.parse(await readFile(state, 'utf8')) as {
      applications: Record<string, { reference_id: string }>;
      credentials: Record<string, { application_id: string; name: string; key_hash: string }>;
    };
    const live = await new LocalBackend(state).read(); // reads cleanly: the store's whole check
    const declared = Array.from({ length: APPS }, (_, i) => `app-${i}`).sort();
    expect(Object.values(stored.applications).map((a) => a.reference_id).sort()).toEqual(declared);
    expect([...live.all()].filter((r) => r.kind === 'application')).toHaveLength(APPS);
    expect(Object.keys(stored.credentials)).toHaveLength(APPS);
    const keys: Record<string, string> = {};
    for (let i = 0; i < RACERS; i++) Object.assign(keys, JSON.parse(await readFile(join(dir, `creds-${i}.json`), 'utf8').catch(() => '{}')));
    let lost = 0;
    for (const c of Object.values(stored.credentials)) {
      const address = `credential.${stored.applications[c.application_id]!.reference_id}/${c.name}`;
      if (keys[address] === undefined || hashKey(keys[address]) !== c.key_hash) lost++;
    }
    expect(lost).toBe(0);
    expect((await cli(['plan', config, '--state', state, '--detailed-exitcode'])).code).toBe(0);
    expect((await readdir(dir)).filter((f) => f.includes('.lock') || f.endsWith('.tmp'))).toEqual([]);
    figures['locking.race'] = { racers: RACERS, applications: APPS, attempts, refusals, creators: creators.length, duplicates: 0, declared_missing: 0, keys_lost: lost };
  }, 240_000);
});

describe('Konnect has no lock: a change between plan and apply is caught by the saved plan', () => {
  const TOKEN = 'kpat_saved_plan_token';
  const DEV = { email: 'dev@example.com', password: 'pw-saved-plan' };
  const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
  const running: RunningEmulator[] = [];
  afterEach(async () => void (await Promise.all(running.splice(0).map((e) => e.stop()))));

  it('plan --out, then the object changes through the admin API: apply PLAN.json refuses (exit 3) naming it, nothing applied', async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const dir = await tempDir();
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
    const config = join(dir, 'portal.yaml');
    const quickstart = await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8');
    await writeFile(config, quickstart);
    expect((await cli(['apply', config, ...konnect, '--yes', '--credentials-out', join(dir, 'creds.json')], ENV)).code).toBe(0);

    // Reviewed: a new description for the application and for the product.
    await writeFile(config, quickstart.replace('The mobile banking app', 'Reviewed description').replace('Invoices and payments', 'Reviewed product'));
    const plan = join(dir, 'plan.json');
    expect((await cli(['plan', config, ...konnect, '--out', plan], ENV)).code).toBe(0);
    const apply = () => cli(['apply', '--plan', plan, ...konnect, '--yes', '--credentials-out', join(dir, 'creds.json')], ENV);

    // Meanwhile someone changes the product (an API in v3) in Konnect.
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const api = async () => ((await (await fetch(`${emu.adminUrl}/v3/apis`, { headers })).json()) as { data: { id: string; name: string; description?: string }[] }).data.find((a) => a.name === 'billing')!;
    const application = async () => ((await (await fetch(`${emu.adminUrl}/v3/portals/${emu.portalId}/applications`, { headers })).json()) as { data: { name: string; description?: string }[] }).data.find((a) => a.name === 'Mobile Banking')!;
    const patched = await fetch(`${emu.adminUrl}/v3/apis/${(await api()).id}`, { method: 'PATCH', headers, body: JSON.stringify({ description: 'Changed behind the plan' }) });
    expect(patched.status).toBe(200);

    const refused = await apply();
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toBe('error: the saved plan is stale: an object it changes has changed since it was made: product.billing (changed since); plan again (nothing applied)\n');
    expect((await application()).description).toBe('The mobile banking app'); // nothing applied
    expect((await api()).description).toBe('Changed behind the plan'); // the concurrent change stands

    // Planned again, it applies; the same plan a second time is refused.
    expect((await cli(['plan', config, ...konnect, '--out', plan], ENV)).code).toBe(0);
    const applied = await apply();
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await apply()).code).toBe(3);
    figures['concurrency.saved-plan'] = { concurrent_changes: 1, stale_plans_refused: 2, objects_applied_from_stale_plan: 0 };
  });
});

afterAll(() => {
  if (figures['locking.local']) recordFigures('locking.local', figures['locking.local']);
  if (figures.stale) recordFigures('locking.stale', figures.stale);
  if (figures['locking.race']) recordFigures('locking.race', figures['locking.race']);
  if (figures['concurrency.saved-plan']) recordFigures('concurrency.saved-plan', figures['concurrency.saved-plan']);
});
