import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, spawnCli, STACK_TRACE, tempDir, type CliResult } from '../helpers/cli.js';
import { gitRemote } from '../helpers/git-remote.js';
import { recordFigures } from '../helpers/reliability.js';
import { emulatorProcess } from './emulator-process.js';
import { encodings, expectNoSecrets, outputsOf, scanForSecrets } from './secret-scan.js';

/**
 * Secrets end to end (RELIABILITY.md "secrets"): every command that touches a portal, on the local
 * backend and on the emulator (a real `portalctl emulator` process, its log and state captured),
 * with values from the environment, a bearer token, a developer password and generated keys; then
 * every output and every file written is scanned for each of them, in the clear or encoded. Only the
 * --credentials-out files may hold the keys. CI size: one run of each (about 10 s).
 */

const distinct = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;

/** The quickstart, with values from the environment in a list (key_names), a description and a label. */
const CONFIG = (await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8'))
  .replace('key_names: [apikey]', `key_names: [apikey, '\${{ env "SECRET_HEADER" }}']`)
  .replace('description: The mobile banking app', `description: '\${{ env "SECRET_DESCRIPTION" }}'`);
const ENV_NAMES = ['SECRET_HEADER', 'SECRET_DESCRIPTION'] as const;

/** Fresh values each run, so that no value can hide in a file written by an earlier run. */
function envValues(): Record<(typeof ENV_NAMES)[number], string> {
  return { SECRET_HEADER: distinct('X-Hdr'), SECRET_DESCRIPTION: distinct('Desc') };
}

/** Every key a credentials file holds, named by address. */
async function keysIn(file: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, string>;
}

const figures = { commands: 0, texts: 0, files: 0, bytes: 0, secrets: 0, forms: 0, hits: 0 };
function count(scanned: { texts: number; files: number; bytes: number }, secrets: Record<string, string>) {
  figures.texts += scanned.texts;
  figures.files += scanned.files;
  figures.bytes += scanned.bytes;
  figures.secrets += Object.keys(secrets).length;
  figures.forms += Object.values(secrets).reduce((n, s) => n + encodings(s).size, 0);
}

describe('the scanner', () => {
  it('finds a secret in the clear, JSON-escaped, URL-encoded, in base64 at any offset, and in hex', async () => {
    const secret = 'pa ss/wörd+"1"';
    const dir = await tempDir();
    const texts: Record<string, string> = {
      clear: `x ${secret} y`,
      json: JSON.stringify({ v: secret }),
      url: `?p=${encodeURIComponent(secret)}`,
      form: new URLSearchParams({ p: secret }).toString(),
      ...Object.fromEntries([0, 1, 2].map((n) => [`base64+${n}`, Buffer.from('ab'.slice(0, n) + secret + 'tail').toString('base64')])),
      base64url: Buffer.from(`x:${secret}`).toString('base64url'),
      hex: Buffer.from(secret).toString('hex').toUpperCase(),
    };
    await writeFile(join(dir, 'basic-auth'), `Authorization: Basic ${Buffer.from(`user:${secret}`).toString('base64')}`);
    const { hits } = await scanForSecrets({ password: secret }, { texts, dirs: [dir] });
    for (const where of [...Object.keys(texts), join(dir, 'basic-auth')]) expect(hits.some((h) => h.startsWith(`${where}: password`)), where).toBe(true);
    expect(hits.join('\n')).not.toContain(secret);
    const clean = await scanForSecrets({ password: secret }, { texts: { other: 'pa ss/word "1"' } });
    expect(clean.hits).toEqual([]);
  });
});

describe('no secret in any output or file', () => {
  it('local backend: validate, plan (text, json, --out), apply, apply --plan, dump, reconcile --once', async () => {
    const dir = await tempDir();
    const env = envValues();
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG);
    const state = join(dir, 'state.json');
    const creds = join(dir, 'creds.json');
    const runs: Record<string, CliResult> = {};
    const local = ['--state', state];
    runs.validate = await cli(['validate', config], env);
    runs.plan = await cli(['plan', config, ...local], env);
    runs.planJson = await cli(['plan', config, ...local, '--format', 'json'], env);
    runs.planMarkdown = await cli(['plan', config, ...local, '--format', 'markdown'], env);
    runs.apply = await cli(['apply', config, ...local, '--yes', '--credentials-out', creds, '--debug'], env);
    expect(runs.apply.code, runs.apply.stderr).toBe(0);
    runs.clean = await cli(['plan', config, ...local, '--detailed-exitcode'], env);
    expect(runs.clean.code, runs.clean.stdout).toBe(0);
    // A second credential through a saved plan, with new values from the environment.
    const next = envValues();
    await writeFile(join(config, 'portal.yaml'), CONFIG.replace('      - name: ci', '      - name: ci\n      - name: deploy'));
    runs.savePlan = await cli(['plan', config, ...local, '--out', join(dir, 'plan.json')], next);
    runs.applyPlan = await cli(['apply', '--plan', join(dir, 'plan.json'), ...local, '--yes', '--credentials-out', creds], next);
    expect(runs.applyPlan.code, runs.applyPlan.stderr).toBe(0);
    runs.dump = await cli(['dump', ...local, '--out', join(dir, 'dumped')]);
    runs.dumpJson = await cli(['dump', ...local, '--format', 'json']);
    // The same config through git, on a state of its own.
    const repo = await gitRemote();
    await repo.push({ 'config/portal.yaml': CONFIG }, 'secrets');
    const reconcileCreds = join(dir, 'reconcile-creds.json');
    runs.reconcile = await cli(['reconcile', '--repo', repo.remote, '--path', 'config', '--once', '--state', join(dir, 'reconciled.json'), '--work-dir', join(dir, 'work'), '--credentials-out', reconcileCreds, '--log-format', 'json'], env);
    expect(runs.reconcile.code, runs.reconcile.stdout + runs.reconcile.stderr).toBe(0);

    const keys = { ...(await keysIn(creds)), ...prefixed('reconciled ', await keysIn(reconcileCreds)) };
    expect(Object.keys(keys)).toHaveLength(3);
    for (const r of Object.values(runs)) expect(r.stderr).not.toMatch(STACK_TRACE);
    const secrets = { ...named('first', env), ...named('second', next), ...keys };
    const scanned = await expectNoSecrets(secrets, { texts: outputsOf(runs), dirs: [dir, repo.dir], except: [creds, reconcileCreds] });
    figures.commands += Object.keys(runs).length;
    count(scanned, secrets);
  });

  it('emulator (a real process, its log and state file scanned): plan, apply --debug, apply --plan, dump, reconcile --once', async () => {
    const dir = await tempDir();
    const env = envValues();
    const token = `kpat_${randomBytes(24).toString('base64url')}`;
    const password = distinct('pw');
    const emuState = join(dir, 'emulator-state.json');
    const emu = await emulatorProcess(['--state', emuState, '--token', token, '--developer', `dev@example.com:${password}`, '--gateway-port', '0']);
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.adminUrl];
    const withEnv = (values: Record<string, string>) => ({ ...values, KONNECT_TOKEN: token, KONNECT_PORTAL_EMAIL: 'dev@example.com', KONNECT_PORTAL_PASSWORD: password });
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG);
    const creds = join(dir, 'creds.json');
    const runs: Record<string, CliResult> = {};
    runs.plan = await cli(['plan', config, ...konnect, '--debug'], withEnv(env));
    runs.planJson = await cli(['plan', config, ...konnect, '--format', 'json'], withEnv(env));
    // The real binary once, so that what reaches the process's own stdout and stderr is scanned too.
    runs.apply = await spawnCli(['apply', config, ...konnect, '--yes', '--credentials-out', creds, '--debug'], { env: withEnv(env) });
    expect(runs.apply.code, runs.apply.stderr).toBe(0);
    runs.clean = await cli(['plan', config, ...konnect, '--detailed-exitcode'], withEnv(env));
    expect(runs.clean.code, runs.clean.stdout + runs.clean.stderr).toBe(0);
    await writeFile(join(config, 'portal.yaml'), CONFIG.replace('      - name: ci', '      - name: ci\n      - name: deploy'));
    runs.savePlan = await cli(['plan', config, ...konnect, '--out', join(dir, 'plan.json')], withEnv(env));
    runs.applyPlan = await cli(['apply', '--plan', join(dir, 'plan.json'), ...konnect, '--yes', '--credentials-out', creds], withEnv(env));
    expect(runs.applyPlan.code, runs.applyPlan.stderr).toBe(0);
    // The portal keeps the values from the environment as sent: the dump takes their templates from the config.
    runs.dump = await cli(['dump', ...konnect, '--config', config, '--out', join(dir, 'dumped')], withEnv({}));
    expect(runs.dump.code, runs.dump.stderr).toBe(0);
    const repo = await gitRemote();
    await repo.push({ 'config/portal.yaml': CONFIG.replace('namespace: quickstart', 'namespace: reconciled').replace(/mobile-banking/g, 'reconciled-app') }, 'secrets');
    const reconcileCreds = join(dir, 'reconcile-creds.json');
    runs.reconcile = await cli(['reconcile', '--repo', repo.remote, '--path', 'config', '--once', ...konnect, '--work-dir', join(dir, 'work'), '--credentials-out', reconcileCreds, '--debug'], withEnv(env));
    expect(runs.reconcile.code, runs.reconcile.stdout + runs.reconcile.stderr).toBe(0);
    expect(await emu.stop()).toBe(0);

    const keys = { ...(await keysIn(creds)), ...prefixed('reconciled ', await keysIn(reconcileCreds)) };
    expect(Object.keys(keys)).toHaveLength(3);
    for (const r of Object.values(runs)) expect(r.stderr).not.toMatch(STACK_TRACE);
    const texts = { ...outputsOf(runs), ...outputsOf({ emulator: emu.log() }) };
    // The portal holds the values from the environment (Konnect stores what it is sent): its state
    // file is left out of their scan, and scanned for the token, the password and the keys.
    const transport = { token, password, ...keys };
    const scannedPortal = await expectNoSecrets(transport, { texts: { 'emulator state': await readFile(emuState, 'utf8') } });
    // The dump (written from the config's templates) is scanned with everything else.
    expect(await readFile(join(dir, 'dumped', 'portal.yaml'), 'utf8')).toContain('${{ env "SECRET_DESCRIPTION" }}');
    const secrets = { ...named('env', env), ...transport };
    const scanned = await expectNoSecrets(secrets, { texts, dirs: [dir, repo.dir], except: [creds, reconcileCreds, emuState] });
    figures.commands += Object.keys(runs).length;
    count(scanned, secrets);
    count(scannedPortal, transport);
  });

  afterAll(() => {
    if (figures.commands > 0) recordFigures('secrets.scan', figures);
  });
});

describe('dump of a konnect portal that keeps values from the environment as sent', () => {
  const dumps = { refused: 0, nothing_written: 0, dumped_with_config: 0, templates_written: 0, texts_and_files_scanned: 0, hits: 0, plain_dumps_once_unmarked: 0 };

  /** An emulator process with the quickstart's strategy and product applied from values of the environment (two of them). */
  async function applied() {
    const dir = await tempDir();
    const env = envValues();
    const token = `kpat_${randomBytes(24).toString('base64url')}`;
    const emu = await emulatorProcess(['--token', token]);
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl];
    const config = join(dir, 'config');
    await writeFile(join(await mkdirp(config), 'portal.yaml'), CONFIG.replace(/applications:[\s\S]*$/, '').replace('description: Invoices and payments', `description: '\${{ env "SECRET_DESCRIPTION" }}'`));
    const apply = await cli(['apply', config, ...konnect, '--yes'], { ...env, KONNECT_TOKEN: token });
    expect(apply.code, apply.stderr).toBe(0);
    return { dir, env, token, emu, konnect, config };
  }

  it('with --config (the variables unset): each value is written as its ${{ env }} template, no value anywhere', async () => {
    const { dir, env, token, emu, konnect, config } = await applied();
    const out = join(dir, 'dumped');
    const dump = await cli(['dump', ...konnect, '--config', config, '--out', out], { KONNECT_TOKEN: token });
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stderr).toBe('note: the dump reads 2 variables from the environment: SECRET_HEADER, SECRET_DESCRIPTION\n');
    const text = await readFile(join(out, 'portal.yaml'), 'utf8');
    for (const name of ENV_NAMES) expect(text).toContain(`\${{ env "${name}" }}`);
    expect(await emu.stop()).toBe(0);
    const scanned = await expectNoSecrets(named('env', env), { texts: { ...outputsOf({ dump }), ...outputsOf({ emulator: emu.log() }) }, dirs: [out] });
    dumps.dumped_with_config++;
    dumps.templates_written += ENV_NAMES.length;
    dumps.texts_and_files_scanned += scanned.texts + scanned.files;
  });

  it('without --config: refused (exit 1, one line), nothing written, no value printed', async () => {
    const { dir, env, token, konnect } = await applied();
    const out = join(dir, 'dumped');
    const runs = { toStdout: await cli(['dump', ...konnect], { KONNECT_TOKEN: token }), toDir: await cli(['dump', ...konnect, '--out', out], { KONNECT_TOKEN: token }), all: await cli(['dump', ...konnect, '--all', '--format', 'json'], { KONNECT_TOKEN: token }) };
    for (const r of Object.values(runs)) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'error: namespace "quickstart" was applied from a config that takes 2 values from the environment, which Konnect keeps as sent: pass --config PATHS (that config) so that dump writes them as their ${{ env }} templates\n',
      );
      dumps.refused++;
    }
    await expect(readFile(join(out, 'portal.yaml'))).rejects.toThrow(/ENOENT/);
    dumps.nothing_written++;
    const scanned = await expectNoSecrets(named('env', env), { texts: outputsOf(runs), dirs: [dir] });
    dumps.texts_and_files_scanned += scanned.texts + scanned.files;
  });

  it('once the config takes nothing from the environment and is applied, the mark is gone and a plain dump works', async () => {
    const { token, konnect, config } = await applied();
    await writeFile(join(config, 'portal.yaml'), CONFIG.replace(/applications:[\s\S]*$/, '').replace(`'\${{ env "SECRET_HEADER" }}'`, 'x-plain-header'));
    const apply = await cli(['apply', config, ...konnect, '--yes'], { KONNECT_TOKEN: token });
    expect(apply.code, apply.stderr).toBe(0);
    const dump = await cli(['dump', ...konnect], { KONNECT_TOKEN: token });
    expect(dump.stderr).toBe('');
    expect(dump.code).toBe(0);
    expect(dump.stdout).toContain('description: Invoices and payments');
    dumps.plain_dumps_once_unmarked++;
  });

  afterAll(() => {
    if (dumps.refused + dumps.dumped_with_config + dumps.plain_dumps_once_unmarked > 0) recordFigures('secrets.dump', dumps);
  });
});

describe('the token and the password travel only where they are safe', () => {
  const running: RunningEmulator[] = [];
  afterEach(async () => void (await Promise.all(running.splice(0).map((e) => e.stop()))));
  const transport = { refused: 0, requests_when_refused: 0, insecure_runs: 0, wrong_token_401: 0 };

  async function counted() {
    let requests = 0;
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV], onExchange: () => void requests++ });
    running.push(emu);
    // 0.0.0.0 is not a loopback name, yet on Linux a connection to it reaches this machine: the
    // stand-in for a host across the network, with the emulator listening behind it.
    const offLoopback = emu.adminUrl.replace('127.0.0.1', '0.0.0.0');
    return { emu, offLoopback, requests: () => requests };
  }

  it('refuses to send the token over plain http off loopback (exit 1, one line, no request); --insecure sends it', async () => {
    const { offLoopback, requests } = await counted();
    const quickstart = join(ROOT, 'examples/quickstart');
    const refused = await cli(['plan', quickstart, '--backend', 'konnect', '--konnect-url', offLoopback], { KONNECT_TOKEN: TOKEN });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: refusing to send the Konnect token over plain http to 0.0.0.0 (--konnect-url): use https, or a loopback address (127.0.0.1, ::1, localhost), or --insecure to send it anyway\n');
    expect(requests()).toBe(0);
    transport.refused++;

    const insecure = await cli(['plan', quickstart, '--backend', 'konnect', '--konnect-url', offLoopback, '--insecure'], { KONNECT_TOKEN: TOKEN });
    expect(insecure.stderr).toBe('');
    expect(insecure.code).toBe(0);
    expect(requests()).toBeGreaterThan(0);
    transport.insecure_runs++;
    await expectNoSecrets({ token: TOKEN, password: DEV.password }, { texts: outputsOf({ refused, insecure }) });
  });

  it("refuses to send the developer's password over plain http off loopback; --insecure logs in there and creates the key", async () => {
    const { emu, offLoopback, requests } = await counted();
    const dir = await tempDir();
    const quickstart = join(ROOT, 'examples/quickstart');
    const env = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
    const args = ['apply', quickstart, '--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', offLoopback, '--yes', '--credentials-out', join(dir, 'creds.json')];
    const refused = await cli(args, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("error: refusing to send the developer's password and session cookie over plain http to 0.0.0.0 (--portal-url): use https, or a loopback address (127.0.0.1, ::1, localhost), or --insecure to send it anyway\n");
    expect(requests()).toBe(0);
    transport.refused++;

    const insecure = await cli([...args, '--insecure'], env);
    expect(insecure.stderr).toBe('');
    expect(insecure.code).toBe(0);
    expect(Object.keys(await keysIn(join(dir, 'creds.json')))).toEqual(['credential.mobile-banking/ci']);
    transport.insecure_runs++;
    await expectNoSecrets({ token: TOKEN, password: DEV.password }, { texts: outputsOf({ refused, insecure }), dirs: [dir], except: [join(dir, 'creds.json')] });
  });

  it('a wrong token gets 401 from the emulator: one error line, exit 1, neither token printed', async () => {
    const { emu } = await counted();
    const wrong = `kpat_${'w'.repeat(30)}`;
    for (const authorization of [`Bearer ${wrong}`, `Bearer ${TOKEN}x`, '', 'Basic ' + Buffer.from(`x:${TOKEN}`).toString('base64')]) {
      const res = await fetch(`${emu.adminUrl}/v3/portals`, { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
      transport.wrong_token_401++;
    }
    const r = await cli(['plan', join(ROOT, 'examples/quickstart'), '--backend', 'konnect', '--konnect-url', emu.adminUrl], { KONNECT_TOKEN: wrong });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*401/);
    transport.wrong_token_401++;
    await expectNoSecrets({ wrong, token: TOKEN }, { texts: outputsOf({ plan: r }) });
  });

  afterAll(() => {
    if (transport.refused > 0) recordFigures('secrets.transport', { refusals: transport.refused, requests_when_refused: transport.requests_when_refused, insecure_runs: transport.insecure_runs });
    if (transport.wrong_token_401 > 0) recordFigures('secrets.token', { wrong_token_requests: transport.wrong_token_401, answered_401: transport.wrong_token_401, leaked: 0 });
  });
});

const TOKEN = 'kpat_transport_token_0123456789';
const DEV = { email: 'dev@example.com', password: 'pw-transport-secret' };

function named(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix} ${k}`, v]));
}
const prefixed = named;

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
