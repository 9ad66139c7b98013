// The one main loop of the generators (gen-types.mjs, gen-validators.mjs): write each target's
// generated file, or with `--check` only say which are stale (exit 1), never writing.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `targets`: each with its `out` path (from the repository root); `generate(target)` makes its text; `command` is what to run when stale. */
export async function writeOrCheck(targets, generate, command) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const target of targets) {
    const text = await generate(target);
    if (check) {
      const current = await readFile(root + target.out, 'utf8').catch(() => '');
      if (current !== text) {
        stale++;
        console.error(`${target.out} is stale: run ${command}`);
      }
    } else {
      await writeFile(root + target.out, text);
      console.log(`wrote ${target.out}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
