import { createHash } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { UserError } from '../errors.js';

/** A repository to follow, as --repo names it: a URL (possibly with credentials in it) or a local path. */
export interface GitSource {
  /** What git fetches from: the URL as given (credentials included), or the path made absolute. */
  readonly fetchUrl: string;
  /** What names the repository on disk and in messages: the URL without its credentials, or the absolute path. */
  readonly identity: string;
  /** The identity as logs show it: `https://***@host/…` when the URL carried credentials. */
  readonly shown: string;
}

// scheme://…, or git's scp-like [user@]host:path: a colon before any slash (a drive letter, C:\, is no host).
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\\:]{2,}:/i;

/** The repository --repo names: a URL, or a path resolved against `cwd`. */
export function gitSource(repo: string, cwd: string): GitSource {
  if (!URL_LIKE.test(repo)) {
    const path = isAbsolute(repo) ? repo : resolve(cwd, repo);
    return { fetchUrl: path, identity: path, shown: path };
  }
  const withCredentials = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i.exec(repo);
  if (withCredentials === null) return { fetchUrl: repo, identity: repo, shown: repo };
  const [, scheme, userinfo] = withCredentials;
  const rest = repo.slice(withCredentials[0].length);
  return { fetchUrl: repo, identity: `${scheme}${rest}`, shown: userinfo ? `${scheme}***@${rest}` : `${scheme}${rest}` };
}

/** `text` with the credentials of any URL in it masked: git's own messages may quote the URL it was given. */
export function redactCredentials(text: string, source?: GitSource): string {
  let out = text;
  if (source !== undefined && source.fetchUrl !== source.identity) out = out.split(source.fetchUrl).join(source.shown);
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, '$1***@');
}

/**
 * Where a work directory for `source` and `branch` goes when --work-dir is not given: one per
 * repository and branch, in the user's cache folder. Not a shared temporary folder: another user could
 * make the directory first, and git would run that user's hooks in it.
 */
export function defaultWorkDir(source: GitSource, branch: string, env: NodeJS.ProcessEnv): string {
  const key = createHash('sha256').update(`${source.identity}\n${branch}`).digest('hex').slice(0, 16);
  return join(userCacheDir(env), 'portalctl', 'reconcile', key);
}

/** The user's cache folder: $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows. */
function userCacheDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(homedir(), '.cache');
}

/** Refuses a branch name git would not take, or one that would change the meaning of a refspec. */
export function checkBranchName(branch: string): void {
  const valid =
    /^[A-Za-z0-9._/-]+$/.test(branch) && !branch.startsWith('-') && !branch.startsWith('/') && !branch.endsWith('/') && !branch.endsWith('.lock') && !/\.\.|\/\/|(^|\/)\./.test(branch);
  if (!valid) throw new UserError(`--branch takes a branch name (letters, digits, . _ - /), not "${branch}"`);
}

/**
 * Brings the work directory `dir` to the head of `branch` in `source` and returns that commit: an
 * empty or missing directory becomes a clone, an existing clone of the same repository is fetched
 * and reset hard (files someone left in it are removed: they would change the config). The URL's
 * credentials are used for the fetch only; the clone's `origin` records the URL without them.
 */
export async function syncWorkDir(source: GitSource, branch: string, dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new UserError(`cannot make the work directory ${dir} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}): choose one with --work-dir`);
  }
  // Never wait for a password on a terminal nobody watches; end a fetch that has been silent for two minutes.
  const git = simpleGit({ baseDir: dir, timeout: { block: 120_000 } }).env({ ...env, GIT_TERMINAL_PROMPT: '0' });
  const run = async (what: string, args: string[]): Promise<string> => {
    try {
      return await git.raw(args);
    } catch (cause) {
      throw new UserError(`${what}: ${gitReason(cause, source)}`);
    }
  };

  if (await isDirectory(join(dir, '.git'))) {
    const origin = (await git.raw(['config', '--get', 'remote.origin.url']).catch(() => '')).trim();
    if (origin !== source.identity) {
      const holds = origin === '' ? 'a git repository without an origin' : `a clone of ${redactCredentials(origin)}`;
      throw new UserError(`work directory ${dir} holds ${holds}, not of ${source.shown}: choose another --work-dir or remove it`);
    }
  } else {
    if ((await readdir(dir)).length > 0) throw new UserError(`work directory ${dir} is neither empty nor a clone: choose another --work-dir or empty it`);
    await run(`cannot make a clone in ${dir}`, ['init', '--quiet']);
    await run(`cannot make a clone in ${dir}`, ['remote', 'add', 'origin', source.identity]);
  }
  const tracking = `refs/remotes/origin/${branch}`;
  await run(`cannot fetch branch ${branch} of ${source.shown}`, ['fetch', '--quiet', '--no-tags', '--', source.fetchUrl, `+refs/heads/${branch}:${tracking}`]);
  await run(`cannot check out branch ${branch} in ${dir}`, ['checkout', '--quiet', '--force', '-B', branch, tracking]);
  await run(`cannot clean ${dir}`, ['clean', '-ffdxq']);
  return (await run(`cannot read the head commit in ${dir}`, ['rev-parse', 'HEAD'])).trim();
}

/** The first line git said about a failure (without "fatal: "), credentials masked. */
function gitReason(cause: unknown, source: GitSource): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^hint:/.test(l));
  return redactCredentials((line ?? 'git failed').replace(/^(fatal|error): /, ''), source);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}
