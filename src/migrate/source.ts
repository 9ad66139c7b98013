import { readFile } from 'node:fs/promises';
import { dumpedFrom } from '../dump/header.js';
import { UserError } from '../errors.js';

/** The backends a migration's source folder may have been dumped from (`--from`). */
export const SOURCE_BACKENDS = ['konnect-classic', 'konnect', 'local'] as const;
export type SourceBackend = (typeof SOURCE_BACKENDS)[number];

/** Why the source's keys cannot be copied, in the report's words. */
export const UNREADABLE_KEYS: Record<SourceBackend, string> = {
  'konnect-classic': "the classic Dev Portal keeps only a hash of each key (its Portal API shows a key once, when it is made), so no key can be read from it",
  konnect: 'Konnect keeps only a hash of each key (the Portal API shows a key once, when it is made), so no key can be read from it',
  local: 'the local state keeps only a hash of each key (portalctl shows a key once, when it is made), so no key can be read from it',
};

/**
 * Whether each file looks like a dump of `from`: a file whose header names another backend is an
 * error (one line); files without a header are named in the note returned (a hand-written or JSON
 * config migrates as written).
 */
export async function checkDumpHeaders(files: readonly string[], from: SourceBackend): Promise<string | undefined> {
  const unheaded: string[] = [];
  for (const file of files) {
    // A file that cannot be read is the loader's to report, with its position.
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const named = dumpedFrom(text);
    if (named === undefined) unheaded.push(file);
    else if (named !== from) throw new UserError(`${file}: dumped from the ${named} backend, not from ${from} (--from ${named}, or dump the ${from} portal again)`);
  }
  if (unheaded.length === 0) return undefined;
  const shown = unheaded.length > 3 ? `${unheaded.slice(0, 3).join(', ')} and ${unheaded.length - 3} more` : unheaded.join(', ');
  return `${shown} ${unheaded.length === 1 ? 'does' : 'do'} not say which backend ${unheaded.length === 1 ? 'it was' : 'they were'} dumped from (no "# portalctl dump --backend …" line): migrated as written, as from ${from}`;
}
