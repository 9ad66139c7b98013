#!/usr/bin/env node
// Regenerates RELIABILITY.md from the figures the reliability tests recorded in .reliability/*.json
// (test/helpers/reliability.ts). The promises and the tests that prove them are written here, once;
// the figures come from the last run; a proof with no figures says "not run". Usage:
//   npx vitest run test/reliability && npm run reliability
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIGURES = join(ROOT, '.reliability');
const OUT = join(ROOT, 'RELIABILITY.md');

/** Each promise: what portalctl keeps, in plain words, and the proofs (id, test file, what it does). */
const PROMISES = [
  {
    name: 'Atomicity',
    promise:
      'An apply that is killed at any moment (SIGKILL, a crash, the machine stopping) leaves a state that reads cleanly: the old one or the new one, never a half-written file. A rerun finishes the job.',
    proofs: [
      ['crash.local', 'test/reliability/crash.test.ts', 'applies of a few hundred changes killed with SIGKILL at random points, local backend'],
      ['crash.emulator', 'test/reliability/crash.test.ts', 'the same against the emulator'],
    ],
  },
  {
    name: 'Idempotency and convergence',
    promise:
      'Applying a config and then planning it shows no changes; a dump plans to no changes; applying A then B leaves the same owned objects as applying B to an empty portal.',
    proofs: [
      ['convergence.local', 'test/reliability/convergence.test.ts', 'random valid configs and random edit sequences (fast-check), local backend'],
      ['convergence.emulator-v3', 'test/reliability/convergence.test.ts', 'the same, fewer cases, against the v3 emulator'],
      ['convergence.emulator-classic', 'test/reliability/convergence.test.ts', 'the same against the classic emulator'],
    ],
  },
  {
    name: 'Ownership and deletion scope',
    promise:
      "Only objects of the config's namespace are ever updated or deleted; other namespaces' objects and unlabelled ones are never touched; a section that is absent deletes nothing.",
    proofs: [
      ['convergence.local', 'test/reliability/convergence.test.ts', "other namespaces' and unowned objects are checked untouched after every random edit"],
      ['crash.local', 'test/reliability/crash.test.ts', 'objects the config does not own are untouched after every kill'],
    ],
  },
  {
    name: 'No lost keys, no duplicates',
    promise:
      'Every credential that exists has its key in the --credentials-out file (or it does not exist); no application is created twice, even when the answer to a create is lost.',
    proofs: [
      ['crash.local', 'test/reliability/crash.test.ts', 'keys and duplicates checked after every kill'],
      ['faults.lost-post', 'test/reliability/faults.test.ts', 'the emulator drops the connection after committing a POST'],
      ['locking.race', 'test/reliability/locking.test.ts', 'applies with credentials racing for a stale lock, each retrying until through'],
    ],
  },
  {
    name: 'Convergence under faults',
    promise:
      'Against a portal that fails requests (429, 5xx, dropped connections) apply still converges; when the portal goes away mid-apply, apply says what it applied and what it could not, exits 1, and a rerun finishes.',
    proofs: [
      ['faults.fail-rate', 'test/reliability/faults.test.ts', 'apply against the emulator with --fail-rate 0.3'],
      ['faults.emulator-stopped', 'test/reliability/faults.test.ts', 'the emulator stopped in the middle of an apply, then restarted'],
      ['faults.lost-post', 'test/reliability/faults.test.ts', 'a POST committed whose answer is lost'],
    ],
  },
  {
    name: 'Locking and concurrent changes',
    promise:
      'Two applies on one local state never interleave: the second exits 3 at once naming the holder. A lock whose process has ended on this host (dead, killed, its pid reused) is taken over by exactly one apply; one from another host is never taken over. On Konnect, which has no lock, a saved plan refuses (exit 3) when an object it changes was changed since.',
    proofs: [
      ['locking.local', 'test/reliability/locking.test.ts', 'a second apply while a live apply holds the lock'],
      ['locking.stale', 'test/reliability/locking.test.ts, test/lock.test.ts', 'locks of killed, dead, pid-reused and foreign holders (every kind of lock file: test/lock.test.ts)'],
      ['locking.race', 'test/reliability/locking.test.ts', 'N applies of one config racing for a stale lock lose nothing'],
      ['concurrency.saved-plan', 'test/reliability/locking.test.ts', 'plan --out, a change through the admin API, apply of the saved plan (emulator)'],
    ],
  },
  {
    name: 'Bad input',
    promise:
      'Random, mutated and hostile config files (random bytes, deep nesting, huge values, hostile names, wrong types) end within seconds with exit 0 or 1 and one line per problem, never a crash or a stack trace. The emulator answers malformed requests with problem+json errors and keeps serving.',
    proofs: [
      ['fuzz.config', 'test/reliability/fuzz-config.test.ts, test/hostile.test.ts', 'validate and plan, in-process and through the binary'],
      ['fuzz.emulator', 'test/reliability/fuzz-emulator.test.ts', 'every route of the v3 and classic emulator, plus bytes that are not HTTP'],
    ],
  },
  {
    name: 'Secrets',
    promise:
      'Values from the environment, the Konnect token, the developer password and generated keys never appear in any output, log or file portalctl writes (the --credentials-out file aside), in the clear or encoded. The token and the password are never sent over plain http to another machine unless --insecure says so; a wrong token is refused with 401.',
    proofs: [
      ['secrets.scan', 'test/reliability/secrets.test.ts (scanner: test/reliability/secret-scan.ts)', 'plan, apply, dump and reconcile on local and on an emulator process; every output and file scanned'],
      ['secrets.transport', 'test/reliability/secrets.test.ts', 'plain http off loopback refused, and sent with --insecure'],
      ['secrets.token', 'test/reliability/secrets.test.ts', 'wrong, missing and malformed tokens'],
      [
        'secrets.dump',
        'test/reliability/secrets.test.ts, test/env-mark.test.ts',
        'dump of an emulator process that keeps values from the environment as sent: refused without the config they were applied from (exit 1, nothing written); with --config, written as its `${{ env }}` templates; a plain dump once a config that takes none is applied',
      ],
    ],
  },
];

/** Where a promise does not hold yet: each with the test that shows it (an it.fails that turns red once fixed). */
const GAPS = [];

function readFigures() {
  const out = new Map();
  if (!existsSync(FIGURES)) return out;
  for (const file of readdirSync(FIGURES).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const record = JSON.parse(readFileSync(join(FIGURES, file), 'utf8'));
      if (typeof record.proof === 'string' && record.figures && typeof record.figures === 'object') out.set(record.proof, record);
    } catch {
      console.error(`warning: ${file}: not a figures record, skipped`);
    }
  }
  return out;
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shown = (figures) =>
  Object.entries(figures)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`)
    .join(', ');

const figures = readFigures();
const commit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no');
const times = [...figures.values()].map((r) => r.recorded_at).filter(Boolean).sort();
const lines = [
  '# Reliability',
  '',
  '<!-- Generated by scripts/reliability-report.mjs (npm run reliability) from .reliability/*.json: do not edit by hand. -->',
  '',
  'What portalctl promises, the tests that prove it, and the figures of the last run of those tests.',
  'Every test runs in CI at the sizes its file states; `PORTALCTL_HEAVY=1` runs the heavier sizes.',
  'Regenerate: `npx vitest run test/reliability test/lock.test.ts test/hostile.test.ts && npm run reliability`.',
  '',
  `Last run: ${times.length ? `${times[0]} to ${times[times.length - 1]}` : 'none'}; commit ${commit ? commit.slice(0, 12) : 'unknown'}${dirty ? ' (with uncommitted changes)' : ''}.`,
  '',
];
for (const p of PROMISES) {
  lines.push(`## ${p.name}`, '', p.promise, '', '| proof | test | what it does | last run |', '|---|---|---|---|');
  for (const [id, file, what] of p.proofs) {
    const record = figures.get(id);
    lines.push(`| \`${id}\` | ${cell(file)} | ${cell(what)} | ${record ? cell(`${shown(record.figures)} (${record.recorded_at})`) : 'not run'} |`);
  }
  lines.push('');
}
if (GAPS.length) {
  lines.push('## Known gaps', '', 'Where a promise above does not hold yet:', '', '| gap | shown by |', '|---|---|');
  for (const [gap, test] of GAPS) lines.push(`| ${cell(gap)} | ${cell(test)} |`);
  lines.push('');
}
const known = new Set(PROMISES.flatMap((p) => p.proofs.map(([id]) => id)));
const others = [...figures.keys()].filter((id) => !known.has(id));
if (others.length) {
  lines.push('## Other figures', '', '| proof | last run |', '|---|---|');
  for (const id of others) lines.push(`| \`${id}\` | ${cell(`${shown(figures.get(id).figures)} (${figures.get(id).recorded_at})`)} |`);
  lines.push('');
}
writeFileSync(OUT, lines.join('\n'));
const missing = [...known].filter((id) => !figures.has(id));
console.log(`wrote ${OUT}: ${known.size - missing.length} of ${known.size} proofs with figures${missing.length ? `; not run: ${missing.join(', ')}` : ''}`);
