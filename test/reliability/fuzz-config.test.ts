import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, spawnCli, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { caseCount, recordFigures } from '../helpers/reliability.js';
import { deepNesting, hostileNames, hugeScalar, mutatedExample, randomBytes, randomText, wrongTypes, type FuzzCase } from './fuzz-inputs.js';

/**
 * Bad input to `validate` and `plan` (RELIABILITY.md "bad input"): mutated examples, random bytes and
 * text, deep nesting, huge scalars, hostile names and values of the wrong type. Every run must end
 * within seconds with exit 0 or 1, print one line per problem in a known form, and never an
 * internal error or a stack trace. Most cases run the CLI in this process (the whole pipeline:
 * find, read, parse, substitute, validate, merge, check, plan, report); some run the real binary.
 *
 * CI sizes (PORTALCTL_HEAVY=1 in brackets): 120 (2400) mutated examples, 60 (600) random bytes,
 * 60 (600) random texts, 20 (300) deep nestings, 12 (120) huge scalars up to 1 MB (8 MB), 60 (600)
 * hostile name sets, 60 (600) wrong-typed documents; 4 (40) through the binary (validate and plan each). About 25 s on 2 cores (28 s of CPU under a load of 9).
 */

const N = {
  mutated: caseCount(120, 2400),
  bytes: caseCount(60, 600),
  text: caseCount(60, 600),
  deep: caseCount(20, 300),
  huge: caseCount(12, 120),
  names: caseCount(60, 600),
  types: caseCount(60, 600),
  binary: caseCount(4, 40),
};
const HUGE_MAX = process.env.PORTALCTL_HEAVY === '1' ? 8 << 20 : 1 << 20;
/** What JavaScript's own errors say: none of it belongs in a message to a user. */
const JS_ERROR_TEXT = /Maximum call stack|RangeError|TypeError|ReferenceError|SyntaxError: Unexpected|Cannot read propert|is not a function|is not iterable|undefined is not|of undefined|of null|\[object Object\]/;
/** A run over this is a hang for our purposes ("within seconds"). */
const RUN_LIMIT_MS = 5_000;

const figures = { inputs: 0, validate_runs: 0, plan_runs: 0, binary_runs: 0, exit_0: 0, exit_1: 0, problem_lines: 0, slowest_ms: 0, internal_errors: 0, stack_traces: 0 };
const byKind: Record<string, number> = {};

let dir: string;
let state: string;
beforeAll(async () => {
  // Plans read a portal that already holds the quickstart: a real live state to diff against.
  // Not tempDir(): that one is removed after each test, and this one serves them all.
  dir = await mkdtemp(join(tmpdir(), 'portalctl-fuzz-'));
  state = join(dir, 'state.json');
  const applied = await cli(['apply', join(ROOT, 'examples/quickstart'), '--yes', '--state', state, '--credentials-out', join(dir, 'creds.json')]);
  expect(applied.code, applied.stderr).toBe(0);
});

/** Writes a case's files into a fresh folder. */
async function writeCase(c: FuzzCase, name: string): Promise<string> {
  const folder = join(dir, name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder);
  for (const [file, content] of Object.entries(c.files)) await writeFile(join(folder, file), content);
  return folder;
}

/**
 * What every run must show: exit 0 or 1, each stderr line a problem of a known form (the file's
 * `FILE:LINE:COL: …` or `FILE: …`, `error: …`, `warning: …`, the `invalid: N errors` count), no
 * line longer than a problem can be (values are quoted and cut), no internal error, no stack trace.
 */
function expectClean(r: CliResult & { ms?: number }, folder: string, what: string, ms: number): void {
  const context = `${what}\nexit ${r.code}\nstderr:\n${r.stderr.slice(0, 2000)}`;
  if (/internal error/.test(r.stderr) || JS_ERROR_TEXT.test(r.stderr)) figures.internal_errors++;
  if (STACK_TRACE.test(r.stderr + r.stdout)) figures.stack_traces++;
  expect(r.stderr, context).not.toMatch(/internal error/);
  // A JavaScript exception's text passed off as a message is an uncaught exception all the same.
  expect(r.stderr, context).not.toMatch(JS_ERROR_TEXT);
  expect(r.stderr + r.stdout, context).not.toMatch(STACK_TRACE);
  expect([0, 1], context).toContain(r.code);
  const lines = r.stderr.split('\n');
  expect(lines.pop(), context).toBe(''); // ends with a newline: whole lines only
  for (const line of lines) {
    const known = line.startsWith(`${folder}/`) || line.startsWith(`${folder}:`) || /^(error|warning): \S/.test(line) || /^invalid: \d+ errors?$/.test(line);
    expect(known, `unknown line: ${JSON.stringify(line.slice(0, 300))}\n${context}`).toBe(true);
    expect(line.length - folder.length, `line too long\n${context}`).toBeLessThan(1_000);
  }
  if (r.code === 1) expect(lines.length, `exit 1 without a word\n${context}`).toBeGreaterThan(0);
  expect(ms, `too slow\n${context}`).toBeLessThan(RUN_LIMIT_MS);
  figures.problem_lines += lines.filter((l) => !l.startsWith('invalid: ')).length;
  figures.slowest_ms = Math.max(figures.slowest_ms, ms);
  figures[r.code === 0 ? 'exit_0' : 'exit_1']++;
}

const describeCase = (c: FuzzCase) =>
  `${c.kind}: ${Object.entries(c.files).map(([f, t]) => `${f} (${t.length} ${typeof t === 'string' ? 'chars' : 'bytes'}): ${JSON.stringify(typeof t === 'string' ? t.slice(0, 400) : Buffer.from(t.slice(0, 64)).toString('hex'))}`).join('; ')}`;

/** Validate and plan one case in this process. */
async function inProcess(c: FuzzCase): Promise<void> {
  const folder = await writeCase(c, 'case');
  figures.inputs++;
  byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
  for (const argv of [['validate', folder], ['plan', folder, '--state', state]]) {
    const started = Date.now();
    const r = await cli(argv);
    expectClean(r, folder, `${argv[0]} of ${describeCase(c)}`, Date.now() - started);
    figures[argv[0] === 'validate' ? 'validate_runs' : 'plan_runs']++;
  }
}

const property = (arb: fc.Arbitrary<FuzzCase>, numRuns: number) => fc.assert(fc.asyncProperty(arb, inProcess), { numRuns, endOnFailure: false });

describe('bad config input ends in one line per problem, exit 0 or 1, within seconds', () => {
  it(`mutated examples (${N.mutated})`, () => property(mutatedExample, N.mutated), 120_000);
  it(`random bytes (${N.bytes}) and random text (${N.text})`, async () => {
    await property(randomBytes, N.bytes);
    await property(randomText, N.text);
  }, 120_000);
  it(`deep nesting (${N.deep})`, () => property(deepNesting, N.deep), 120_000);
  it(`huge scalars (${N.huge}, up to ${HUGE_MAX >> 20} MB)`, () => property(hugeScalar(HUGE_MAX), N.huge), 120_000);
  it(`hostile names (${N.names})`, () => property(hostileNames, N.names), 120_000);
  it(`values of the wrong type everywhere (${N.types})`, () => property(wrongTypes, N.types), 120_000);

  it(`the real binary (${N.binary} cases of every kind): the same, end to end`, async () => {
    const any = fc.oneof(mutatedExample, randomBytes, randomText, deepNesting, hugeScalar(1 << 20), hostileNames, wrongTypes);
    await fc.assert(
      fc.asyncProperty(any, async (c) => {
        const folder = await writeCase(c, 'binary-case');
        figures.inputs++;
        byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
        for (const argv of [['validate', folder], ['plan', folder, '--state', state]]) {
          const r = await spawnCli(argv, { timeoutMs: 20_000 });
          // The process's start-up is no part of the input's cost: allow for it on a busy machine.
          expectClean(r, folder, `binary ${argv[0]} of ${describeCase(c)}`, Math.max(0, r.ms - 3_000));
          figures.binary_runs++;
        }
      }),
      { numRuns: N.binary },
    );
  }, 180_000);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (figures.inputs > 0) recordFigures('fuzz.config', { ...figures, ...Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`inputs_${k.replace(/ /g, '_')}`, v])) });
});
