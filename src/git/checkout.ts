import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

/** The git checkout a config was read from: its HEAD, and whether the config differs from it. */
export interface Checkout {
  /** The full commit id of HEAD. */
  commit: string;
  /** The config paths have uncommitted changes: a changed, staged, deleted or untracked config file. */
  dirty: boolean;
}

/** The files a directory walk reads (src/config/files.ts), and what it skips: only they make a checkout dirty. */
const CONFIG_FILE = /\.(ya?ml|json)$/i;
const SKIPPED = /(^|\/)(\.[^/]*|node_modules)\//;

/**
 * The checkout the config paths are in, or undefined when they are not all in one git work tree
 * with a commit (a plain folder, an unborn branch, no git at all): applying from there is fine,
 * there is just no commit to name. Only reads: `status` runs with --no-optional-locks, so it never
 * refreshes the index.
 */
export async function findCheckout(paths: readonly string[]): Promise<Checkout | undefined> {
  if (paths.length === 0) return undefined;
  try {
    // Real paths: git names its top folder through them.
    const real = await Promise.all(paths.map((p) => realpath(p)));
    const named = await Promise.all(real.map(async (path) => ({ path, file: (await stat(path)).isFile() })));
    const git = simpleGit({ baseDir: named[0]!.file ? dirname(named[0]!.path) : named[0]!.path });
    if ((await git.revparse(['--is-inside-work-tree'])).trim() !== 'true') return undefined;
    const top = await realpath((await git.revparse(['--show-toplevel'])).trim());
    if (!real.every((p) => within(top, p))) return undefined;
    const commit = (await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return undefined;
    return { commit, dirty: await configChanged(git, top, named) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a config file under the paths differs from HEAD. A file named on the command line counts
 * whatever its name, and even when git ignores it (it is read all the same); in a folder, only the
 * files the walk reads count.
 */
async function configChanged(git: SimpleGit, top: string, named: readonly { path: string; file: boolean }[]): Promise<boolean> {
  const out = await git.raw(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--no-renames', '--', ...named.map((n) => n.path)]);
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    // Porcelain paths are relative to the top of the work tree.
    const path = join(top, entry.slice(3));
    const ignored = entry.startsWith('!!');
    for (const n of named) {
      if (n.file ? path === n.path : !ignored && within(n.path, path) && read(relative(n.path, path))) return true;
    }
  }
  return false;
}

/** Whether a folder walk reads the file at this path (relative to the folder). */
function read(rel: string): boolean {
  return CONFIG_FILE.test(rel) && !SKIPPED.test(rel) && !rel.split('/').pop()!.startsWith('.');
}

function within(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
