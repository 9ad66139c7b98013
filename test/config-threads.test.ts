import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDesired as loadInProcess, type LoadResult } from '../src/config/load.js';
import { checkConfigText } from '../src/config/check-file.js';
import { findConfigFiles } from '../src/config/files.js';
import { readConfigFile } from '../src/config/read.js';
import { ROOT, tempDir } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';
// @ts-expect-error: the bench's generator is plain JavaScript
import { generate, sizeAt } from '../bench/generate.mjs';

// Worker threads run the compiled code (dist/, built by the pretest script): the same modules as
// the CLI. What they find must be what the main thread finds alone, to the byte.
const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;
const { loadDesired: loadCompiled } = (await import(dist('config/load.js'))) as typeof import('../src/config/load.js');
const { checkInParallel } = (await import(dist('config/parse-pool.js'))) as typeof import('../src/config/parse-pool.js');

const ENV = { PATH: process.env.PATH, KEY: 'env-secret-value', TEAM: 'team-from-env' };

/**
 * Where the parser's stack overflows on deep nesting depends on the stack left to it (the call
 * chain, what the JIT made of each frame): that column is no property of the file.
 */
const withoutOverflowColumn = (problems: LoadResult['problems']) =>
  problems.map((p) => (/nested too deeply/.test(p.message) && p.at ? { ...p, at: { ...p.at, col: 0 } } : p));

/** A load's result as plain data: problems, and every resource with its source positions. */
function summary(result: LoadResult) {
  const desired = result.desired;
  return {
    problems: withoutOverflowColumn(result.problems),
    desired: desired && {
      namespace: desired.namespace,
      portal: desired.portal,
      sections: [...desired.sections],
      lists: [...desired.lists],
      files: desired.files,
      resources: [...desired.state.all()],
    },
  };
}

async function expectSameEverywhere(paths: string[]) {
  const alone = summary(await loadInProcess(paths, { env: ENV, parallel: { workers: 0 } }));
  for (const parallel of [{ workers: 1, mainThreadChecks: false }, { workers: 2, mainThreadChecks: false }, { workers: 1 }]) {
    const threaded = summary(await loadCompiled(paths, { env: ENV, parallel }));
    expect(JSON.stringify(threaded), JSON.stringify(parallel)).toBe(JSON.stringify(alone));
  }
  return alone;
}

/** Files that fail every way a file can: each kind of problem the per-file checks report. */
async function brokenConfig(dir: string) {
  const files: Record<string, string> = {
    'a-valid.yaml': manyApplications(30, { namespace: 'broken' }),
    'b-syntax.yaml': 'applications:\n  - name: [unclosed\n',
    'c-duplicate.yaml': 'products:\n  - name: p\n    name: q\n',
    'd-merge.yaml': [
      'x-defaults: &d {description: shared, labels: {team: a}}',
      'applications:',
      '  - <<: *d',
      '    reference_id: merged-1',
      '    name: Merged',
      '    registrations: [{product: billing, version: v1}]',
      '  - {<<: *d, reference_id: merged-2, name: Merged 2, unknown_field: 1}',
    ].join('\n'),
    'e-bad-merge.yaml': 'applications:\n  - <<: 3\n    name: x\n',
    'f-bomb.yaml': 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    'g-env.yaml': [
      'applications:',
      '  - reference_id: env-app',
      '    name: Env app',
      '    description: ${{ env "KEY" }} and ${{ env "MISSING" }}',
      '    registrations: [{product: billing, version: v1}]',
      '  - reference_id: ${{ env "TEAM" }}',
      '    name: ${{ env bad }}',
    ].join('\n'),
    'h-schema.yaml': 'applications:\n  - reference_id: s\n    name: 5\n    labels: {portalctl-x: y}\n    registrations: [{product: nope, version: v9}]\nproducts: {}\n',
    'i-documents.yaml': 'namespace: broken\n---\napplications: []\n---\n# nothing\n---\nnope: 1\n',
    'j-binary.yaml': 'a\u0000b',
    'k-deep.yaml': `applications: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    'l-semantics.yaml': 'applications:\n  - reference_id: orphan\n    name: Orphan\n    registrations: [{product: missing, version: v1}]\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

describe('config files checked on worker threads', () => {
  it('find the same problems and resources as in one thread: the examples', async () => {
    for (const example of ['org', 'quickstart']) await expectSameEverywhere([join(ROOT, 'examples', example)]);
  });

  it('find the same problems and resources as in one thread: a generated organisation', async () => {
    const dir = await tempDir();
    generate(dir, { size: sizeAt(0.02) });
    const alone = await expectSameEverywhere([dir]);
    expect(alone.desired?.resources.length).toBeGreaterThan(500);
  });

  it('find the same problems, at the same places, in broken files', async () => {
    const dir = await tempDir();
    await brokenConfig(dir);
    const alone = await expectSameEverywhere([dir]);
    expect(alone.desired).toBeUndefined();
    const messages = alone.problems.map((p) => p.message).join('\n');
    for (const expected of ['YAML:', 'duplicate key', 'merge key', 'alias expansions', 'MISSING is not set', 'malformed substitution', 'not allowed in names', 'unknown field', 'binary file', 'nested too deeply', 'reserved']) {
      expect(messages).toContain(expected);
    }
    expect(JSON.stringify(alone)).not.toContain('env-secret-value');
  });

  it('post each file as the main thread would check it: every declared object, with its positions, included', async () => {
    const dir = await tempDir();
    await brokenConfig(dir);
    await mkdir(join(dir, 'org'));
    generate(join(dir, 'org'), { size: sizeAt(0.01) });
    const { files } = await findConfigFiles([dir]);
    const jobs = [];
    for (const file of files) {
      const read = await readConfigFile(file);
      if (read.ok) jobs.push({ index: jobs.length, file, text: read.text });
    }
    const threaded = await checkInParallel(jobs, { values: ENV }, { workers: 2, mainThreadChecks: false });
    expect(threaded.length).toBe(jobs.length);
    jobs.forEach((job, i) => {
      const alone = checkConfigText(job.file, job.text, { values: ENV });
      expect({ ...threaded[i], problems: withoutOverflowColumn(threaded[i]!.problems) }, job.file).toEqual({ ...alone, problems: withoutOverflowColumn(alone.problems) });
    });
  });

  it('a worker that fails rejects the load with its reason instead of hanging', async () => {
    const jobs = [{ index: 0, file: 'x.yaml', text: 'a: 1\n' }, { index: 1, file: 'y.yaml', text: 'b: 1\n' }];
    // A worker given the environment it cannot clone never starts.
    const failing = checkInParallel(jobs, { values: { ...ENV, BAD: (() => undefined) as unknown as string } }, { workers: 1, mainThreadChecks: false });
    await expect(failing).rejects.toThrow(/could not be cloned/);
  });
});
