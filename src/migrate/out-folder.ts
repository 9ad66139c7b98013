import { readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { findConfigFiles } from '../config/files.js';
import { UserError } from '../errors.js';
import type { Section } from '../model/kind.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sectionsOf, type ConvertedConfig } from './convert-config.js';

const SCHEMA_LINE = '# yaml-language-server: $schema=https://portalctl.dev/schemas/portalctl.schema.json';

/** The config files migrate writes: one per section; `portal.yaml` when the source declares none. */
const FILE_OF: Record<Section, string> = {
  auth_strategies: 'auth_strategies.yaml',
  products: 'products.yaml',
  applications: 'applications.yaml',
  developers: 'developers.yaml',
  teams: 'teams.yaml',
  portal_settings: 'portal_settings.yaml',
};
const ONLY_FILE = 'portal.yaml';
const OWN_FILES = new Set([...Object.values(FILE_OF), ONLY_FILE]);

export interface OutputFile {
  name: string;
  text: string;
}

/**
 * The converted config as files to commit: one per section the source declares, each starting with
 * the namespace (and portal) so that it reads on its own; the same value in several files is allowed.
 */
export function configFiles(converted: ConvertedConfig, head: { namespace: string; portal?: string; comment: string }): OutputFile[] {
  const top = { namespace: head.namespace, ...(head.portal !== undefined && { portal: head.portal }) };
  const text = (body: Record<string, unknown>) => `${SCHEMA_LINE}\n# ${head.comment}\n${stringify({ ...top, ...body }, { lineWidth: 0 })}`;
  const sections = sectionsOf(converted);
  if (sections.length === 0) return [{ name: ONLY_FILE, text: text({}) }];
  return sections.map((section) => ({ name: FILE_OF[section], text: text({ [section]: converted.sections[section] }) }));
}

/**
 * Checks before anything is read from the target that `dir` can take the migration: absent or empty,
 * or (with --force) holding no config files but the ones migrate writes (others would be planned with
 * it). It may not be inside the source, whose next load would read it.
 */
export async function checkOutFolder(dir: string, sources: readonly string[], force: boolean): Promise<void> {
  for (const source of sources) {
    const inside = relative(resolve(source), resolve(dir));
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
      throw new UserError(`--out ${dir} is inside the source ${source}: write the migration to a folder of its own`);
    }
  }
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new UserError(`--out ${dir}: ${code === 'ENOTDIR' ? 'not a folder' : `cannot be read (${code ?? String(cause)})`}`);
  }
  if (entries.length === 0) return;
  if (!force) throw new UserError(`--out ${dir} is not empty: pass --force to replace the files migrate writes there`);
  const { files } = await findConfigFiles([dir]);
  const foreign = files.find((file) => !OWN_FILES.has(relative(dir, file)));
  if (foreign !== undefined) throw new UserError(`${foreign} would be planned with the migration: move it out of ${dir} (--force replaces only the files migrate writes)`);
}

/** Writes each file atomically, then removes the files an earlier migration wrote that this one does not. */
export async function writeOutFolder(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFileAtomic(path, file.text);
    written.push(path);
  }
  const names = new Set(files.map((f) => f.name));
  for (const stale of OWN_FILES) if (!names.has(stale)) await rm(join(dir, stale), { force: true });
  return written;
}
