import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { cli, ROOT, STACK_TRACE } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';
import { gitRemote, longRunning } from './helpers/git-remote.js';

const QUICKSTART = await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8');
const described = (text: string) => QUICKSTART.replace('description: The mobile banking app', `description: ${text}`);
const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;
const short = (commit: string) => commit.slice(0, 7);

/** A bare remote whose main holds examples/quickstart in config/, and reconcile's arguments for it. */
async function following() {
  const repo = await gitRemote();
  const first = await repo.push({ 'config/portal.yaml': QUICKSTART }, 'quickstart');
  const state = join(repo.dir, 'state.json');
  const creds = join(repo.dir, 'creds.json');
  const workDir = join(repo.dir, 'work-dir');
  return {
    repo,
    first,
    state,
    creds,
    workDir,
    args: (...extra: string[]) => ['reconcile', '--repo', repo.remote, '--path', 'config', '--state', state, '--work-dir', workDir, '--credentials-out', creds, ...extra],
    loop: (...extra: string[]) =>
      longRunning(['reconcile', '--repo', repo.remote, '--path', 'config', '--state', state, '--work-dir', workDir, '--credentials-out', creds, '--interval', '1s', ...extra], { cwd: repo.dir }),
    description: async () => (await new LocalBackend(state).read()).getOf('application', 'mobile-banking')?.attrs.description,
    /** Changes the portal outside git: an apply of another config (retried while a cycle holds the lock). */
    changeOutsideGit: async (description: string) => {
      const config = join(repo.dir, 'outside.yaml');
      await writeFile(config, described(description));
      for (let attempt = 0; ; attempt++) {
        const r = await cli(['apply', config, '--yes', '--state', state]);
        if (r.code !== 3 || attempt === 10) return expect(r.code).toBe(0);
      }
    },
  };
}

describe('reconcile --once', () => {
  it('applies the head of a local bare repository, then finds nothing to do', async () => {
    const f = await following();
    const r = await cli(f.args('--once'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${TIME} start: following ${f.repo.remote} branch main, path config, every 60s, drift reported \\(work dir ${f.workDir}\\)$`)),
      expect.stringMatching(new RegExp(`^${TIME} applied ${short(f.first)}: 6 created$`)),
      '',
    ]);
    expect((await new LocalBackend(f.state).read()).getOf('registration', 'mobile-banking/billing/v1')?.attrs.status).toBe('approved');
    // The key went to the credentials file, and nowhere in the log.
    const key = (JSON.parse(await readFile(f.creds, 'utf8')) as Record<string, string>)['credential.mobile-banking/ci']!;
    expect(r.stdout).not.toContain(key);

    // A new process reads the commit applied from the portal's record: the head is not applied again.
    const again = await cli(f.args('--once'));
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/ applied /);
    // So a change made outside git since is drift: reported by the next --once, not applied back.
    await f.changeOutsideGit('changed by hand');
    const drifted = await cli(f.args('--once'));
    expect(drifted.code).toBe(0);
    expect(drifted.stdout).toMatch(new RegExp(`\n${TIME} drift ${short(f.first)}: update application\\.mobile-banking\n$`));
    expect(await f.description()).toBe('changed by hand');
  });

  it('--max-deletes refuses a cycle (exit 3, nothing deleted); --log-format json lines parse', async () => {
    const f = await following();
    expect((await cli(f.args('--once'))).code).toBe(0);
    const second = await f.repo.push({ 'config/portal.yaml': QUICKSTART.replace(/applications:[^]*$/, 'applications: []\n') }, 'remove the app');
    const r = await cli(f.args('--once', '--max-deletes', '0', '--log-format', 'json'));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    const events = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([
      { time: expect.stringMatching(new RegExp(`^${TIME}$`)), event: 'start', repo: f.repo.remote, branch: 'main', path: 'config', work_dir: f.workDir, interval_seconds: 60, self_heal: false },
      { time: expect.any(String), event: 'refused', commit: second, error: expect.stringMatching(/^the plan deletes \d+ objects, more than --max-deletes 0: nothing applied$/) },
    ]);
    expect(await f.description()).toBe('The mobile banking app');
  });

  it('credentials in the repository URL are used but never logged, nor kept in the work directory', async () => {
    const f = await following();
    const url = 'https://portal-bot:s3cr3t-t0ken@127.0.0.1:9/org/portal.git'; // nothing listens on port 9
    const r = await cli(['reconcile', '--repo', url, '--once', '--state', f.state, '--work-dir', f.workDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('start: following https://***@127.0.0.1:9/org/portal.git branch main');
    expect(r.stdout).toMatch(new RegExp(`\n${TIME} failed: cannot fetch branch main of https://\\*\\*\\*@127\\.0\\.0\\.1:9/org/portal\\.git: [^\n]+\n$`));
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-t0ken');
    expect(await readFile(join(f.workDir, '.git', 'config'), 'utf8')).not.toContain('s3cr3t-t0ken');
  });

  it('a work directory that holds another repository fails the cycle in one line', async () => {
    const f = await following();
    expect((await cli(f.args('--once'))).code).toBe(0);
    const other = await gitRemote();
    await other.push({ 'config/portal.yaml': QUICKSTART });
    const r = await cli(['reconcile', '--repo', other.remote, '--path', 'config', '--once', '--state', f.state, '--work-dir', f.workDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`\n${TIME} failed: work directory ${f.workDir} holds a clone of ${f.repo.remote}, not of ${other.remote}: choose another --work-dir or remove it\n$`));
  });

  it('bad options are one line each, exit 1', async () => {
    const f = await following();
    for (const [flags, message] of [
      [['--interval', '0'], 'error: --interval takes a duration of at least 1s, like 30s, 5m, 1h or a number of seconds, not "0"'],
      [['--interval', '5x'], 'error: --interval takes a duration of at least 1s, like 30s, 5m, 1h or a number of seconds, not "5x"'],
      [['--path', '../elsewhere'], 'error: --path names a folder inside the repository (like config or .), not "../elsewhere"'],
      [['--branch', '-x'], 'error: --branch takes a branch name (letters, digits, . _ - /), not "-x"'],
      [['--max-deletes', 'many'], 'error: --max-deletes takes a whole number, not "many"'],
    ] as const) {
      const r = await cli(f.args('--once', ...flags));
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('reconcile as a loop', () => {
  it('applies a commit pushed while it runs at the next cycle; SIGTERM while waiting ends it at once, exit 0', async () => {
    const f = await following();
    const loop = f.loop();
    await loop.next(new RegExp(`^${TIME} applied ${short(f.first)}: 6 created$`));
    const second = await f.repo.push({ 'config/portal.yaml': described('Banking on the go') }, 'new description');
    await loop.next(new RegExp(`^${TIME} applied ${short(second)}: 1 updated$`));
    expect(await f.description()).toBe('Banking on the go');

    const ended = await loop.signal('SIGTERM');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(0);
    expect(ended.stderr).toBe('');
    expect(loop.lines().at(-1)).toMatch(new RegExp(`^${TIME} stopped: SIGTERM$`));
    expect((await readdir(f.repo.dir)).filter((name) => name.startsWith('state.json'))).toEqual(['state.json']); // no lock left
  });

  it('reports drift between commits and leaves it; with --self-heal applies it back', async () => {
    const f = await following();
    const loop = f.loop();
    await loop.next(/ applied \w+: 6 created$/);
    await f.changeOutsideGit('Changed in the portal');
    await loop.next(new RegExp(`^${TIME} drift ${short(f.first)}: update application\\.mobile-banking$`));
    await loop.next(/ drift \w+: update application\.mobile-banking$/); // a later cycle still finds it: nothing was applied
    expect(await f.description()).toBe('Changed in the portal');
    expect((await loop.signal('SIGINT')).code).toBe(0);

    const healing = f.loop('--self-heal');
    // A new process knows the commit was applied (the portal's record): what differs is drift, healed.
    await healing.next(/ drift \w+: update application\.mobile-banking$/);
    await healing.next(new RegExp(`^${TIME} healed ${short(f.first)}: 1 updated$`));
    expect(await f.description()).toBe('The mobile banking app');
    await f.changeOutsideGit('Changed again');
    await healing.next(/ drift \w+: update application\.mobile-banking$/);
    await healing.next(new RegExp(`^${TIME} healed ${short(f.first)}: 1 updated$`));
    expect(await f.description()).toBe('The mobile banking app');
    expect((await healing.signal('SIGTERM')).code).toBe(0);
  });

  it('a commit with a config error fails its cycles, the loop goes on and applies the next good commit', async () => {
    const f = await following();
    const loop = f.loop();
    await loop.next(/ applied \w+: 6 created$/);
    const broken = await f.repo.push({ 'config/portal.yaml': QUICKSTART.replace('product: billing', 'product: billling') }, 'typo');
    const failed = await loop.next(new RegExp(`^${TIME} failed ${short(broken)}: config/portal\\.yaml:\\d+:\\d+: `));
    expect(failed).toContain('billling');
    const fixed = await f.repo.push({ 'config/portal.yaml': described('Fixed') }, 'fix');
    await loop.next(new RegExp(`^${TIME} applied ${short(fixed)}: 1 updated$`));
    expect(await f.description()).toBe('Fixed');
    const ended = await loop.signal('SIGTERM');
    expect(ended.code).toBe(0);
    expect(ended.stdout + ended.stderr).not.toMatch(STACK_TRACE);
  });

  it('a cycle that finds the lock held is refused; the next cycle, the lock gone, applies', async () => {
    const f = await following();
    const lock = `${f.state}.lock`;
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const loop = f.loop();
    await loop.next(new RegExp(`^${TIME} refused ${short(f.first)}: another apply holds the lock on ${f.state} \\(pid ${process.pid} since 2026-01-01T00:00:00Z\\)`));
    await rm(lock);
    await loop.next(new RegExp(`^${TIME} applied ${short(f.first)}: 6 created$`));
    expect((await loop.signal('SIGTERM')).code).toBe(0);
  });

  it('SIGTERM during a cycle: the step under way finishes, exit 0, no lock left; the next run converges', async () => {
    const repo = await gitRemote();
    await repo.push({ 'config/big.yaml': manyApplications(300) }, 'many');
    const state = join(repo.dir, 'state.json');
    const args = ['reconcile', '--repo', repo.remote, '--path', 'config', '--state', state, '--work-dir', join(repo.dir, 'wd'), '--credentials-out', join(repo.dir, 'creds.json')];
    const loop = longRunning([...args, '--interval', '1s'], { cwd: repo.dir });
    await loop.next(/ start: /);
    const ended = await loop.signal('SIGTERM');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(0);
    expect(ended.stderr).toBe('');
    expect(loop.lines().at(-1)).toMatch(/ stopped: SIGTERM$/);
    expect((await readdir(repo.dir)).filter((name) => name.startsWith('state.json') && name !== 'state.json')).toEqual([]);

    const again = await cli([...args, '--once']);
    expect(again.code).toBe(0);
    expect((await cli(['plan', join(repo.dir, 'wd', 'config'), '--state', state, '--detailed-exitcode'])).code).toBe(0);
  });
});

describe('reconcile --backend konnect against the emulator', () => {
  const TOKEN = 'kpat_reconcile';
  const DEV = { email: 'dev@example.com', password: 'pw-reconcile' };
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.stop()));
  });

  it('applies the head, then a pushed commit', async () => {
    const emu = await startEmulator({ port: 0, gatewayPort: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const f = await following();
    const env = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
    const args = ['reconcile', '--repo', f.repo.remote, '--path', 'config', '--work-dir', f.workDir, '--credentials-out', f.creds, '--once'];
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];

    const first = await cli([...args, ...konnect], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(new RegExp(`\n${TIME} applied ${short(f.first)}: 6 created\n$`));
    expect(first.code).toBe(0);

    const second = await f.repo.push({ 'config/portal.yaml': described('From git, through Konnect') });
    const next = await cli([...args, ...konnect], env);
    expect(next.stdout).toMatch(new RegExp(`\n${TIME} applied ${short(second)}: 1 updated\n$`));
    expect(next.code).toBe(0);
    expect(emu.state.engine.list('applications').map(([, a]) => a.description)).toEqual(['From git, through Konnect']);
  });
});
