import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { error, type Problem } from '../diagnostics/problems.js';

/** Config files a directory walk reads: YAML, and JSON (which is YAML too; `dump --format json` writes it). */
export const CONFIG_FILE = /\.(ya?ml|json)$/i;
/**
 * Entries a walk skips: hidden files and folders (tool state, VCS, an editor's lock file
 * `.#portal.yaml`, which is often a dangling link), and dependencies.
 */
export const SKIPPED = (name: string) => name.startsWith('.') || name === 'node_modules';

export interface FoundFiles {
  files: string[];
  problems: Problem[];
}

/**
 * Expands PATHS (files or directories) into the config files to read: directories are walked
 * recursively for *.yaml, *.yml and *.json, entries sorted by name so the result is deterministic;
 * hidden files and folders are skipped. A file named explicitly is read whatever its name. Symbolic
 * links are followed once: a link back into a directory already being read is skipped, a link loop
 * is reported.
 */
export async function findConfigFiles(paths: readonly string[]): Promise<FoundFiles> {
  const files: string[] = [];
  const problems: Problem[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addFile = async (path: string) => {
    const real = await realpath(path);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(path);
  };

  const walk = async (dir: string): Promise<number> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return 0;
    seenDirs.add(real);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let found = 0;
    for (const entry of entries) {
      if (SKIPPED(entry.name)) continue;
      const path = join(dir, entry.name);
      try {
        // Dirent tells what a symlink is, not what it points to: stat follows it.
        const info = entry.isSymbolicLink() ? await stat(path) : entry;
        if (info.isDirectory()) {
          found += await walk(path);
        } else if (info.isFile() && CONFIG_FILE.test(entry.name)) {
          await addFile(path);
          found++;
        }
      } catch (cause) {
        problems.push(error(describeFsError(path, cause)));
      }
    }
    return found;
  };

  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const found = await walk(path);
        if (found === 0 && problems.length === 0) {
          problems.push(error(`${path}: no config files (*.yaml, *.yml, *.json) found in this directory`));
        }
      } else if (info.isFile()) {
        await addFile(path);
      } else {
        problems.push(error(`${path}: not a file or directory`));
      }
    } catch (cause) {
      problems.push(error(describeFsError(path, cause)));
    }
  }
  return { files, problems };
}

/** One line for a file-system error, naming the path and the reason in words. */
export function describeFsError(path: string, cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file or directory`;
    case 'ELOOP':
      return `${path}: symbolic link loop`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a directory`;
    case 'ENAMETOOLONG':
      return `${path}: name too long`;
    default:
      return `${path}: cannot read (${code ?? (cause instanceof Error ? cause.message : String(cause))})`;
  }
}
