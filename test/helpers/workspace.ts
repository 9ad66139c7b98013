import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalBackend } from '../../src/backends/local/local-backend.js';
import { cli, ROOT, tempDir } from './cli.js';

/** A copy of an example in a temp dir, with its own state file, and helpers to edit and run against it. */
export async function workspace(example: string) {
  const dir = await tempDir();
  const config = join(dir, 'config');
  await cp(join(ROOT, 'examples', example), config, { recursive: true });
  const state = join(dir, 'state.json');
  const creds = join(dir, 'creds.json');
  return {
    dir,
    config,
    state,
    creds,
    run: (...argv: string[]) => cli([...argv.slice(0, 1), config, ...argv.slice(1), '--state', state]),
    apply: (...extra: string[]) => cli(['apply', config, '--yes', '--credentials-out', creds, '--state', state, ...extra]),
    live: () => new LocalBackend(state).read(),
    /** Replaces `from` with `to` in a config file (the text must be there). */
    edit: async (file: string, from: string | RegExp, to: string) => {
      const path = join(config, file);
      const text = await readFile(path, 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
      await writeFile(path, next);
    },
  };
}
