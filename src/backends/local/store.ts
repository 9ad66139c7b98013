import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { storeProblems } from './store-check.js';
import type { StoreData } from './store-records.js';

export type * from './store-records.js';

export function emptyStore(): StoreData {
  return {
    format_version: 1,
    auth_strategies: {},
    products: {},
    product_versions: {},
    applications: {},
    registrations: {},
    credentials: {},
  };
}

/**
 * Reads the store, checked whole (see storeProblems); a file that does not exist yet is an empty
 * portal. `shown` names the file in messages (the path as the user gave it).
 */
export async function loadStore(path: string, shown = path): Promise<StoreData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return emptyStore();
    throw new UserError(`${shown}: cannot read the local state (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new UserError(`${shown}: the local state is not valid JSON (${jsonProblem(cause as Error, text)}); restore it or remove it to start empty`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UserError(`${shown}: the local state must be a JSON object`);
  const record = data as Record<string, unknown>;
  if (record.format_version !== 1) {
    throw new UserError(`${shown}: unknown local state format_version ${String(JSON.stringify(record.format_version))} (this portalctl reads 1)`);
  }
  const problems = storeProblems(record);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UserError(`${shown}: ${problems[0]}${more}; fix the record or restore the file`);
  }
  return { ...emptyStore(), ...(record as Partial<StoreData>) };
}

/**
 * What JSON.parse found, on one line: V8 quotes the text around the error (newlines and all), so
 * keep only its first words, and turn "at position N" into a line and column.
 */
function jsonProblem(cause: Error, text: string): string {
  const escaped = JSON.stringify(cause.message).slice(1, -1);
  const what = escaped.split(', \\"')[0]!.replace(/ in JSON at position \d+.*$/, '').slice(0, 80);
  const position = /at position (\d+)/.exec(cause.message);
  if (!position) return what;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${what} at line ${line}, column ${column}`;
}

/** Writes the store atomically (readable by its owner only: it is the portal's whole content). */
export async function saveStore(path: string, data: StoreData): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(data, null, 2) + '\n', 0o600);
}
