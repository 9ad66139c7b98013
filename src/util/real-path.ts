import { readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The file a path stands for, symbolic links followed — also for a file not written yet, and through
 * a link to one. A state file is written to this file (a link stays a link) and locked beside it, so
 * two links to one state share one lock; two paths name one file when their real paths are equal.
 */
export async function realPathOf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
  }
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let target: string;
    try {
      target = await readlink(current);
    } catch {
      break; // not a link (EINVAL), or nothing there yet (ENOENT)
    }
    current = resolve(dirname(current), target);
  }
  const folder = await realpath(dirname(current)).catch(() => dirname(current));
  return join(folder, basename(current));
}
