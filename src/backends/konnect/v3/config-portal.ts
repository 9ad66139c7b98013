import { readFile } from 'node:fs/promises';
import { findConfigFiles } from '../../../config/files.js';

/**
 * The config's `portal` (DESIGN: the konnect backend's portal name or id), read before the config
 * itself is loaded: the portal must be known to read the live state the config is checked against.
 * A top-level `portal:` line with a plain or quoted scalar; the full load checks it again (readFor).
 */
export async function configPortal(paths: readonly string[]): Promise<string | undefined> {
  return configScalar(paths, 'portal');
}

/** A top-level scalar of the config (`portal`, `namespace`), read the same way before the config is loaded. */
export async function configScalar(paths: readonly string[], key: 'portal' | 'namespace'): Promise<string | undefined> {
  const { files } = await findConfigFiles(paths);
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // the load reports it
    }
    const match = new RegExp(`^${key}:[ \\t]*(?:"([^"\\n]*)"|'([^'\\n]*)'|([^#\\n]*?))[ \\t]*(?:#.*)?$`, 'm').exec(text);
    const value = match?.[1] ?? match?.[2] ?? match?.[3];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
