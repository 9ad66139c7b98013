import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Adds new keys (address → key) to a JSON credentials file, readable by its owner only (0600).
 * Keys already in the file are kept: a second apply never loses the first one's keys. The write is
 * atomic, so an interrupted run leaves the old file whole.
 */
export async function writeCredentials(path: string, keys: Record<string, string>): Promise<void> {
  const existing = await readCredentials(path);
  await writeFileAtomic(path, JSON.stringify({ ...existing, ...keys }, null, 2) + '\n', 0o600);
}

/** The keys already in a credentials file ({} when there is none). Called before apply too, so a bad file stops the run before any key is made. */
export async function readCredentials(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`${path}: cannot read the credentials file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, string>;
  } catch {
    // reported below
  }
  throw new UserError(`${path}: exists but is not a credentials JSON file (an object of address → key); move it away or choose another --credentials-out`);
}
