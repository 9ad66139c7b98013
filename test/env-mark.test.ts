import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRun } from '../src/apply/apply-run.js';
import type { Backend, Transaction } from '../src/backends/backend.js';
import { appliedLabelKey } from '../src/backends/konnect/applied-label.js';
import { envLabelKey, envValuesOn } from '../src/backends/konnect/env-label.js';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { makePlan } from '../src/plan/make-plan.js';
import type { Plan } from '../src/types/plan.js';
import { cli, STACK_TRACE, tempDir } from './helpers/cli.js';

/**
 * The mark a konnect portal carries per namespace whose config takes values from the environment
 * (Konnect keeps them as sent): its label, when apply sets and removes it, and dump's refusal
 * without the config (README "Environment values", dump).
 */

const CONFIG = `namespace: payments
auth_strategies:
  - name: key-auth
    type: key_auth
    key_names: [apikey, '\${{ env "HDR" }}']
    labels: { team: '\${{ env "TEAM" }}' }
products:
  - name: billing
    description: '\${{ env "DESCRIPTION" }}'
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
`;
const VALUES = { HDR: 'X-Secret-Header', TEAM: 'secret-team', DESCRIPTION: 'A secret description' };
/** The same config with other values written in it: it takes nothing from the environment. */
const PLAIN = CONFIG.replace(`'\${{ env "HDR" }}'`, 'X-Plain-Header').replace(`'\${{ env "TEAM" }}'`, 'plain-team').replace(`'\${{ env "DESCRIPTION" }}'`, 'A plain description');

describe('the label', () => {
  it('is keyed by namespace as the applied commit is (hashed when too long), its value the count', () => {
    expect(envLabelKey('payments')).toBe('portalctl-env.payments');
    const fits = 'n'.repeat(63 - 'portalctl-env.'.length);
    expect(envLabelKey(fits)).toBe(`portalctl-env.${fits}`);
    const long = envLabelKey(`${fits}n`);
    expect(long).toMatch(/^portalctl-env-h\.[0-9a-f]{32}$/);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(envLabelKey(`${fits}m`)).not.toBe(long);
    // One key scheme for both labels: the same hash of the same namespace.
    expect(appliedLabelKey(`${fits}n`).split('.')[1]).toBe(long.split('.')[1]);

    expect(envValuesOn({ labels: { 'portalctl-env.payments': '3' } }, 'payments')).toBe(3);
    expect(envValuesOn({ labels: { 'portalctl-env.other': '3' } }, 'payments')).toBe(0);
    expect(envValuesOn({}, 'payments')).toBe(0);
    for (const foreign of ['0', '03', 'x', '-1', '1.5']) expect(envValuesOn({ labels: { 'portalctl-env.payments': foreign } }, 'payments'), foreign).toBe(0);
  });
});

describe('apply marks before its first write, unmarks after a complete apply of a config that takes none', () => {
  /** The local backend, its transaction logging every write and mark in order; `failing` makes that address's write fail. */
  function logged(state: string, failing?: string) {
    const local = new LocalBackend(state);
    const log: string[] = [];
    const backend: Backend = {
      type: local.type,
      target: local.target,
      capabilities: local.capabilities,
      read: () => local.read(),
      transaction: (run) =>
        local.transaction((tx) => {
          const write = (name: string, address: string) => {
            log.push(`${name} ${address}`);
            if (address === failing) throw new Error('refused by the test');
          };
          const logging: Transaction = {
            create: async (r, c) => (write('create', r.address), tx.create(r, c)),
            update: async (r, c) => (write('update', r.address), tx.update(r, c)),
            delete: async (a) => (write('delete', a), tx.delete(a)),
            recordEnvValues: async (namespace, count) => void log.push(`mark ${namespace} ${count}`),
          };
          return run(logging);
        }),
    };
    return { backend, log };
  }

  async function planAndApply(backend: Backend, dir: string, config: string, failing?: string): Promise<Plan> {
    await writeFile(join(dir, 'portal.yaml'), config);
    const { plan } = await makePlan([join(dir, 'portal.yaml')], backend, { env: VALUES });
    await applyRun(backend, { plan: async () => plan, showsKeys: false, env: VALUES, concurrency: 1 });
    return plan;
  }

  it('counts every value of the config in the plan, marks before the first write, and again (to nothing) only once complete', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const first = logged(state);
    const plan = await planAndApply(first.backend, dir, CONFIG);
    expect(plan.env_values).toBe(3);
    expect(first.log[0]).toBe('mark payments 3');
    expect(first.log.slice(1).every((line) => line.startsWith('create '))).toBe(true);

    // Nothing to change: the mark is set all the same (a portal applied before marks existed).
    const again = logged(state);
    expect((await planAndApply(again.backend, dir, CONFIG)).changes).toEqual([]);
    expect(again.log).toEqual(['mark payments 3']);

    // The config stops taking values from the environment, but a write fails: the mark stays.
    const failed = logged(state, 'product.billing');
    const plain = await planAndApply(failed.backend, dir, PLAIN, 'product.billing');
    expect(plain.env_values).toBeUndefined();
    expect(failed.log).toContain('update product.billing');
    expect(failed.log.filter((line) => line.startsWith('mark'))).toEqual([]);

    // Complete: the mark is removed, after the writes.
    const complete = logged(state);
    expect((await planAndApply(complete.backend, dir, PLAIN)).changes.length).toBeGreaterThan(0);
    expect(complete.log.at(-1)).toBe('mark payments 0');
    expect(complete.log.filter((line) => line.startsWith('mark'))).toEqual(['mark payments 0']);
  });

  it('a mark that cannot be set stops the apply with nothing applied (one line, exit 1)', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const { backend, log } = logged(state);
    const refusing: Backend = {
      ...backend,
      transaction: (run) => backend.transaction((tx) => run({ ...tx, recordEnvValues: () => Promise.reject(new Error('503 from the portal')) })),
    };
    await writeFile(join(dir, 'portal.yaml'), CONFIG);
    const { plan } = await makePlan([join(dir, 'portal.yaml')], refusing, { env: VALUES });
    await expect(applyRun(refusing, { plan: async () => plan, showsKeys: false, env: VALUES, concurrency: 1 })).rejects.toThrow(
      'cannot mark namespace "payments" as taking values from the environment: 503 from the portal (nothing applied)',
    );
    expect(log).toEqual([]);
  });
});

describe('a mark that cannot be removed', () => {
  it('is left and said (envMarkLeft), the apply itself complete', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const local = new LocalBackend(state);
    const refusing: Backend = {
      type: local.type,
      target: local.target,
      capabilities: local.capabilities,
      read: () => local.read(),
      transaction: (run) => local.transaction((tx) => run({ ...tx, create: tx.create.bind(tx), update: tx.update.bind(tx), delete: tx.delete.bind(tx), recordEnvValues: () => Promise.reject(new Error('503 from the portal')) })),
    };
    await writeFile(join(dir, 'portal.yaml'), PLAIN);
    const { plan } = await makePlan([join(dir, 'portal.yaml')], refusing, { env: {} });
    const run = await applyRun(refusing, { plan: async () => plan, showsKeys: false, env: {}, concurrency: 1 });
    expect(run.outcomes.every((o) => o.status === 'applied')).toBe(true);
    expect(run.envMarkLeft).toBe('namespace "payments" is still marked as taking values from the environment (dump will ask for --config): 503 from the portal');
  });
});

const TOKEN = 'kpat_env_mark';
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

describe.each([
  ['konnect', 'v3'],
  ['konnect-classic', 'classic'],
] as const)('on --backend %s (emulator)', (backendName, flavour) => {
  async function portal() {
    const emu = await startEmulator({ flavour, port: 0, token: TOKEN });
    running.push(emu);
    const dir = await tempDir();
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG);
    const args = ['--backend', backendName, '--konnect-url', emu.adminUrl];
    const labels = () => emu.state.engine.get('portals', emu.portalId).labels ?? {};
    return { emu, dir, config, args, labels };
  }

  it('apply marks the namespace (other labels kept); dump without --config is refused, writing nothing; with it, the templates', async () => {
    const { emu, dir, config, args, labels } = await portal();
    emu.state.engine.update('portals', emu.portalId, { labels: { team: 'web' } });
    const applied = await cli(['apply', config, ...args, '--yes'], { ...VALUES, KONNECT_TOKEN: TOKEN });
    expect(applied.code, applied.stderr).toBe(0);
    expect(labels()).toEqual({ team: 'web', 'portalctl-env.payments': '3' });

    const out = join(dir, 'dumped');
    const refused = await cli(['dump', ...args, '--out', out], { KONNECT_TOKEN: TOKEN });
    expect(refused.stderr).toBe(
      'error: namespace "payments" was applied from a config that takes 3 values from the environment, which Konnect keeps as sent: pass --config PATHS (that config) so that dump writes them as their ${{ env }} templates\n',
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    await expect(readFile(join(out, 'portal.yaml'))).rejects.toThrow(/ENOENT/);
    // --all dumps the namespace too.
    const all = await cli(['dump', ...args, '--all', '--namespace', 'other'], { KONNECT_TOKEN: TOKEN });
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/^error: namespace "payments" was applied from a config that takes 3 values/);

    // The variables need not be set: only where the templates are matters.
    const dumped = await cli(['dump', ...args, '--config', config, '--out', out], { KONNECT_TOKEN: TOKEN });
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(dumped.stderr).toBe('note: the dump reads 3 variables from the environment: HDR, TEAM, DESCRIPTION\n');
    const text = await readFile(join(out, 'portal.yaml'), 'utf8');
    for (const value of Object.values(VALUES)) expect(text).not.toContain(value);
    expect(text).toContain('key_names:\n      - apikey\n      - ${{ env "HDR" }}\n');
    expect(text).toContain('team: ${{ env "TEAM" }}');
    if (flavour === 'v3') expect(text).toContain('description: ${{ env "DESCRIPTION" }}'); // a classic version has no description; the product has
    const plan = await cli(['plan', out, ...args, '--detailed-exitcode'], { ...VALUES, KONNECT_TOKEN: TOKEN });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  it('a saved plan carries the count; once a config that takes none is applied in full, the mark is gone and a plain dump works', async () => {
    const { dir, config, args, labels } = await portal();
    const saved = join(dir, 'plan.json');
    expect((await cli(['plan', config, ...args, '--out', saved], { ...VALUES, KONNECT_TOKEN: TOKEN })).code).toBe(0);
    expect(JSON.parse(await readFile(saved, 'utf8')).env_values).toBe(3);
    const applied = await cli(['apply', '--plan', saved, ...args, '--yes'], { ...VALUES, KONNECT_TOKEN: TOKEN });
    expect(applied.code, applied.stderr).toBe(0);
    expect(labels()).toEqual({ 'portalctl-env.payments': '3' });

    await writeFile(join(config, 'portal.yaml'), PLAIN);
    expect((await cli(['plan', config, ...args, '--out', saved], { KONNECT_TOKEN: TOKEN })).code).toBe(0);
    expect(JSON.parse(await readFile(saved, 'utf8')).env_values).toBeUndefined();
    expect((await cli(['apply', '--plan', saved, ...args, '--yes'], { KONNECT_TOKEN: TOKEN })).code).toBe(0);
    expect(labels()).toEqual({});
    const dump = await cli(['dump', ...args], { KONNECT_TOKEN: TOKEN });
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('X-Plain-Header'); // written in the config now: no secret any more
  });
});

describe('dump --config', () => {
  it('on the local backend: the config\'s own templates instead of PORTALCTL_ placeholders; the dump plans clean', async () => {
    const dir = await tempDir();
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG);
    const state = join(dir, 'state.json');
    expect((await cli(['apply', config, '--state', state, '--yes'], VALUES)).code).toBe(0);
    const plain = await cli(['dump', '--state', state]);
    expect(plain.stdout).toContain('${{ env "PORTALCTL_AUTH_STRATEGY_KEY_AUTH_KEY_NAMES_1" }}');

    const dumped = await cli(['dump', '--state', state, '--config', config]);
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(dumped.stderr).toBe('note: the dump reads 3 variables from the environment: HDR, TEAM, DESCRIPTION\n');
    expect(dumped.stdout).not.toMatch(/PORTALCTL_|sha256|\$sensitive/);
    expect(dumped.stdout).toContain('key_names:\n      - apikey\n      - ${{ env "HDR" }}\n');
    expect(dumped.stdout).toContain('description: ${{ env "DESCRIPTION" }}');
    const out = join(dir, 'dumped');
    await writeFile(join(await mkdirp(out), 'portal.yaml'), dumped.stdout);
    const plan = await cli(['plan', out, '--state', state, '--detailed-exitcode'], VALUES);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  it('a template on an object the dump leaves out is ignored; a value the config does not template keeps its placeholder', async () => {
    const dir = await tempDir();
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG);
    const state = join(dir, 'state.json');
    expect((await cli(['apply', config, '--state', state, '--yes'], VALUES)).code).toBe(0);
    // Another config: its product is not on the portal; the strategy's label is written as it is.
    const other = join(dir, 'other.yaml');
    await writeFile(other, CONFIG.replace(`'\${{ env "TEAM" }}'`, 'web').replace('name: billing', 'name: invoices'));
    const dumped = await cli(['dump', '--state', state, '--config', other]);
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(dumped.stdout).toContain('${{ env "HDR" }}');
    expect(dumped.stdout).toContain('team: ${{ env "PORTALCTL_AUTH_STRATEGY_KEY_AUTH_LABELS_TEAM" }}');
    expect(dumped.stdout).toContain('description: ${{ env "PORTALCTL_PRODUCT_BILLING_DESCRIPTION" }}');
    expect(dumped.stderr).toBe('note: the dump reads 3 variables from the environment: HDR, PORTALCTL_AUTH_STRATEGY_KEY_AUTH_LABELS_TEAM, PORTALCTL_PRODUCT_BILLING_DESCRIPTION\n');
  });

  it('a config that does not load: its problems, exit 1, nothing written; unset variables, and values only they could make valid, are no problem', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'namespace: payments\nproducts:\n  - name: billing\n    colour: blue\n');
    const out = join(dir, 'dumped');
    const r = await cli(['dump', '--state', state, '--config', broken, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${broken}:4:5: unknown field "colour" in products[0]\ninvalid: 1 error\n`);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toBe('');
    await expect(readFile(join(out, 'portal.yaml'))).rejects.toThrow(/ENOENT/);

    // An enum from the environment (a registration's status), with no variable set.
    const enumFromEnv = join(dir, 'status.yaml');
    await writeFile(enumFromEnv, CONFIG.replace('auto_approve: true }', `auto_approve: true }\n        visibility: '\${{ env "VISIBILITY" }}'`));
    expect((await cli(['validate', enumFromEnv], VALUES)).code).toBe(1); // VISIBILITY is not set
    const dumped = await cli(['dump', '--state', state, '--config', enumFromEnv]);
    expect(dumped.stderr).toBe('');
    expect(dumped.code).toBe(0);
  });
});

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
