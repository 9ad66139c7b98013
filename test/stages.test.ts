import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// Data flows one way (DESIGN.md "Pipeline"): a module imports only from its own stage or an earlier
// one. Stages on one line are peers. A new folder under src/ has to be placed here.
const STAGES: readonly (readonly string[])[] = [
  ['types', 'util', 'schemas.ts'],
  ['diagnostics', 'errors.ts'],
  ['model'],
  ['config', 'dump'],
  ['backends'],
  ['plan', 'emulator'],
  ['apply'],
  ['render', 'git'],
  ['reconcile', 'migrate'],
  ['cli'],
];

const SRC = join(ROOT, 'src');

/** The stage of a file under src/: its top-level folder (or the file itself at the root). */
function stageOf(file: string): number {
  const top = relative(SRC, file).split('/')[0]!;
  const rank = STAGES.findIndex((stage) => stage.includes(top));
  if (rank < 0) throw new Error(`src/${top} is in no stage: place it in test/stages.test.ts`);
  return rank;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** The relative modules a file imports or re-exports, statically or with import(). */
function importsOf(text: string): string[] {
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm);
  return [...found].map((m) => m[1]!);
}

describe('stages', () => {
  it('no module imports from a stage after its own', async () => {
    const backwards: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const text = await readFile(file, 'utf8');
      for (const spec of importsOf(text)) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (stageOf(target) > stageOf(file)) backwards.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
    expect(backwards).toEqual([]);
  });

  it('reads imports of every form', () => {
    const text = [
      "import { a } from '../config/x.js';",
      "import type { b } from './y.js';",
      "import '../side-effect.js';",
      "export { c } from '../../z.js';",
      'import {',
      '  d,',
      "} from '../w.js';",
      "const m = await import('../v.js');",
      "import { readFile } from 'node:fs/promises';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['../config/x.js', './y.js', '../side-effect.js', '../../z.js', '../w.js', '../v.js']);
  });
});
