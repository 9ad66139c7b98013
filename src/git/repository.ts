import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from '../errors.js';

/**
 * The git work tree the config PATHS are in: its top level, and the repository-relative path of
 * each PATH, so the config can be read as it stands at another commit and its lines blamed.
 */
export class Repository {
  private constructor(
    /** The work tree's top level (a real path). */
    readonly top: string,
    readonly git: SimpleGit,
  ) {}

  /**
   * The work tree that holds every one of PATHS. `why` says what needs git (`--base origin/main`),
   * for the one-line error when a path is not in a git work tree.
   */
  static async open(paths: readonly string[], why: string): Promise<Repository> {
    let found: Repository | undefined;
    for (const path of paths) {
      const dir = await existingDir(resolve(path));
      const top = await topLevel(dir).catch((cause: unknown) => {
        // Anything but "not a git repository" (a repository git refuses, e.g. of another owner) is told as git tells it.
        const reason = gitMessage(cause);
        throw gitFailure(cause, reason === '' || /not a git repository|work tree/i.test(reason) ? `${path}: not in a git work tree (${why} reads the config's history from git)` : `${path}: git: ${reason}`);
      });
      if (found === undefined) found = new Repository(top, simpleGit({ baseDir: top, maxConcurrentProcesses: 4 }));
      else if (found.top !== top) throw new UserError(`${path}: in the git work tree ${top}, not ${found.top}; ${why} needs the config in one work tree`);
    }
    if (found === undefined) throw new UserError(`${why}: no config paths given`);
    return found;
  }

  /** The commit REF names (a branch, tag, `HEAD~1`, a hash); a one-line error naming `option` when it names none. */
  async commitOf(ref: string, option: string): Promise<string> {
    const notCommit = () => new UserError(`${option} ${ref}: not a commit in ${this.top}`);
    // A ref that starts with a dash would be read as an option.
    if (ref === '' || ref.startsWith('-')) throw notCommit();
    let commit: string;
    try {
      commit = (await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    } catch (cause) {
      throw gitFailure(cause, notCommit().message);
    }
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw notCommit();
    return commit;
  }

  /**
   * The repository-relative path (with `/`) of a path in the work tree: '' for the top level,
   * undefined when it lies outside (a symbolic link out of the work tree). The path need not exist.
   */
  async pathOf(path: string): Promise<string | undefined> {
    const absolute = resolve(path);
    const dir = await existingDir(absolute);
    // Real paths on both sides: git reports its top level with symbolic links resolved.
    const real = join(await realpath(dir), relative(dir, absolute));
    const rel = relative(this.top, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }
}

/**
 * The error of a failed git command: "git is not installed" when it could not be run at all, else
 * `message` (the caller's account of what failed); never git's multi-line output.
 */
export function gitFailure(cause: unknown, message: string): UserError {
  if (cause instanceof UserError) return cause;
  const text = cause instanceof Error ? cause.message : String(cause);
  if (/ENOENT|spawn git/.test(text)) return new UserError('git is not installed or not on PATH (needed by --base and --blame)', undefined, { cause });
  return new UserError(message, undefined, { cause });
}

/** The first line of what git said, without `fatal: `. */
export function gitMessage(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).trim().split('\n', 1)[0]!.replace(/^(fatal|error): /, '');
}

async function topLevel(dir: string): Promise<string> {
  const top = (await simpleGit({ baseDir: dir }).raw(['rev-parse', '--show-toplevel'])).trim();
  if (top === '') throw new Error('not in a work tree');
  return realpath(top);
}

/** `path` itself when it is a directory, else its nearest ancestor that is one. */
async function existingDir(path: string): Promise<string> {
  let dir = (await isDir(path)) ? path : dirname(path);
  while (!(await isDir(dir))) {
    const parent = dirname(dir);
    if (parent === dir) return dir;
    dir = parent;
  }
  return dir;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
