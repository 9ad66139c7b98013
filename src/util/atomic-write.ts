import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary file
 * beside it, flushed to disk, then renamed over it. `mode` applies from creation (0600 keeps secrets
 * unreadable to others at every moment).
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.chmod(mode); // open's mode is filtered by the umask
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw cause;
  }
}

/** The temporary file writeFileAtomic writes before renaming it over `path`. */
function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
}

/**
 * Checks that writeFileAtomic(path) can work, without touching `path`: creates (exclusively) and
 * removes a temporary file of the same name pattern, so a folder that takes no files or a name too
 * long for its temporary file fails here, before anything depends on the write.
 */
export async function checkWritable(path: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  await (await open(temp, 'wx', mode)).close();
  await rm(temp, { force: true });
}
