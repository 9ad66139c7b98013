import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { checkWritable, writeFileAtomic } from '../util/atomic-write.js';
import { realPathOf } from '../util/real-path.js';

/**
 * Adds new keys (address → key) to a JSON credentials file, readable by its owner only (0600).
 * Keys already in the file are kept: a second apply never loses the first one's keys. The write is
 * atomic, so an interrupted run leaves the old file whole.
 */
export async function writeCredentials(path: string, keys: Record<string, string>): Promise<void> {
  const existing = await readCredentials(path);
  await writeFileAtomic(path, JSON.stringify({ ...existing, ...keys }, null, 2) + '\n', 0o600);
}

/** Removes the entries of these addresses from a credentials file; returns how many were there. */
export async function removeCredentials(path: string, addresses: Iterable<string>): Promise<number> {
  const existing = await readCredentials(path);
  let removed = 0;
  for (const address of addresses) {
    if (Object.hasOwn(existing, address)) {
      delete existing[address];
      removed++;
    }
  }
  if (removed > 0) await writeFileAtomic(path, JSON.stringify(existing, null, 2) + '\n', 0o600);
  return removed;
}

/** The keys already in a credentials file ({} when there is none). */
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
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.values(data).every((key) => typeof key === 'string')) {
      return data as Record<string, string>;
    }
  } catch {
    // reported below
  }
  throw new UserError(`${path}: exists but is not a credentials JSON file (an object of address → key); move it away or choose another --credentials-out`);
}

/**
 * Called before apply changes anything, so that no key is made that cannot be kept: the file is not
 * the state file (or its lock), an existing file is a credentials file, and the file can be written
 * (a temporary file of writeFileAtomic's name pattern is really created and removed).
 */
export async function checkCredentialsOut(path: string, stateFile: string | undefined): Promise<void> {
  if (stateFile !== undefined) {
    // A path that cannot be resolved (a folder that is a file) is reported by the checks below.
    const real = (p: string) => realPathOf(p).catch(() => resolve(p));
    const target = await real(path);
    if (target === (await real(stateFile))) {
      throw new UserError(`--credentials-out ${path} is the state file ${stateFile}: choose another file (nothing applied)`);
    }
    for (const lock of new Set([`${stateFile}.lock`, `${await real(stateFile)}.lock`])) {
      if (target === (await real(lock))) throw new UserError(`--credentials-out ${path} is the state file’s lock ${lock}: choose another file (nothing applied)`);
    }
  }
  await readCredentials(path);
  try {
    await checkWritable(path, 0o600);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    const hint = code === 'ENAMETOOLONG' ? ': the name is too long for its temporary file (<name>.<pid>.<id>.tmp); choose a shorter name' : '';
    throw new UserError(`${path}: cannot write the credentials file (${code})${hint}; nothing applied`);
  }
}

/**
 * The credentials file of one apply as a sink for new keys. Keys that arrive while a write is under
 * way go into the next write together, so a thousand credentials cost a few writes, not a thousand;
 * each add resolves once its key is on disk, and rejects (with one line) when that write fails.
 */
export class CredentialsSink {
  private pending = new Map<string, string>();
  private next: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  add(address: string, key: string): Promise<void> {
    this.pending.set(address, key);
    if (this.next === undefined) {
      const write = this.last.then(async () => {
        const keys = Object.fromEntries(this.pending);
        this.pending = new Map();
        this.next = undefined;
        try {
          await writeCredentials(this.path, keys);
        } catch (cause) {
          if (cause instanceof UserError) throw cause;
          throw new UserError(`cannot write its key to ${this.path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
        }
      });
      this.next = write;
      this.last = write.catch(() => undefined);
    }
    return this.next;
  }
}
