import { readFile, rm } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readCredentials } from './credentials-file.js';

/**
 * The journal of keys on their way to a credentials file, `<file>.pending`: the addresses of the
 * credentials an apply is about to make, written before the first of them is asked for. A portal
 * makes a credential's key, so a process killed between the portal's answer and the key reaching the
 * file leaves a live credential nobody has the key of; the journal is how the next run knows, and
 * re-issues it (see lostKeys). Holds addresses only, never a key.
 */
export function journalPath(credentialsFile: string): string {
  return `${credentialsFile}.pending`;
}

/** The addresses in a journal ({} when there is none). */
export async function readJournal(credentialsFile: string): Promise<Set<string>> {
  const path = journalPath(credentialsFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new UserError(`${path}: cannot read the journal of keys being made (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (Array.isArray(data) && data.every((a) => typeof a === 'string')) return new Set(data);
  } catch {
    // reported below
  }
  throw new UserError(`${path}: is not a journal of keys being made (a JSON list of addresses); it belongs to ${credentialsFile}: move both away or fix it`);
}

/** Replaces a journal's addresses; an empty journal is no file. */
export async function writeJournal(credentialsFile: string, addresses: ReadonlySet<string>): Promise<void> {
  const path = journalPath(credentialsFile);
  if (addresses.size === 0) return rm(path, { force: true });
  await writeFileAtomic(path, JSON.stringify([...addresses].sort(), null, 2) + '\n', 0o600);
}

/** The journalled credentials whose keys never reached the file: live ones among them must be made again. */
export async function lostKeys(credentialsFile: string): Promise<Set<string>> {
  const journal = await readJournal(credentialsFile);
  if (journal.size === 0) return journal;
  const keys = await readCredentials(credentialsFile);
  return new Set([...journal].filter((address) => !Object.hasOwn(keys, address)));
}
