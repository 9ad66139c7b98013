import { mapBounded } from '../config/bounded.js';
import type { Blame, Change, Plan } from '../types/plan.js';
import { gitFailure, gitMessage, type Repository } from './repository.js';

/** Blames run at once: each is a git process, and the machine's cores are shared. */
const CONCURRENT_BLAMES = 4;

/** The hash git blame gives lines that are not committed yet. */
const UNCOMMITTED = /^0+$/;

/**
 * Adds to each change's source the commit, author and date that last touched its line (plan
 * --blame): in the work tree for what the config declares (lines not committed yet say so), at the
 * --base commit for a delete the base declared. One `git blame` per file, however many changes it
 * declares.
 */
export async function blameSources(plan: Plan, repo: Repository): Promise<void> {
  const byFile = new Map<string, { file: string; commit: string | undefined; changes: Change[] }>();
  for (const change of plan.changes) {
    if (change.source === undefined) continue;
    const commit = change.source.ref === undefined ? undefined : plan.base?.commit;
    if (change.source.ref !== undefined && commit === undefined) continue;
    const key = `${commit ?? ''}\0${change.source.file}`;
    const entry = byFile.get(key) ?? { file: change.source.file, commit, changes: [] };
    entry.changes.push(change);
    byFile.set(key, entry);
  }
  await mapBounded([...byFile.values()], CONCURRENT_BLAMES, async ({ file, commit, changes }) => {
    const path = await repo.pathOf(file);
    if (path === undefined) return; // a link out of the work tree: git knows nothing of it
    const blameOf = await blameFile(repo, path, commit);
    for (const change of changes) {
      const blame = blameOf(change.source!.line);
      if (blame !== undefined) change.source!.blame = blame;
    }
  });
}

/**
 * Each line's blame of one file (repository path `path`): at `commit`, or in the work tree. A file
 * HEAD does not hold (new, or in a repository without commits) is not committed yet, line by line.
 */
async function blameFile(repo: Repository, path: string, commit: string | undefined): Promise<(line: number) => Blame | undefined> {
  if (commit === undefined && !(await inHead(repo, path))) return () => ({ commit: null });
  let out: string;
  try {
    out = await repo.git.raw(['blame', '--porcelain', ...(commit === undefined ? [] : [commit]), '--', path]);
  } catch (cause) {
    throw gitFailure(cause, `${path}: git blame failed (${gitMessage(cause)})`);
  }
  const lines = parsePorcelain(out);
  return (line) => lines.get(line);
}

async function inHead(repo: Repository, path: string): Promise<boolean> {
  // Prints the object id, or nothing (no HEAD yet, or no such path in it).
  const out = await repo.git.raw(['rev-parse', '--verify', '--quiet', `HEAD:${path}`]).catch(() => '');
  return out.trim() !== '';
}

/**
 * `git blame --porcelain`: per line a header `<hash> <orig> <final> [<count>]`, the commit's
 * fields the first time it appears (`author`, `author-mail`, `author-time`, `author-tz`), and the
 * line itself after a TAB.
 */
export function parsePorcelain(out: string): Map<number, Blame> {
  const commits = new Map<string, Record<string, string>>();
  const lineCommit = new Map<number, string>();
  let current: Record<string, string> | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('\t')) {
      current = undefined;
      continue;
    }
    if (current === undefined) {
      const [hash, , final] = line.split(' ');
      if (hash === undefined || final === undefined) continue;
      lineCommit.set(Number(final), hash);
      current = commits.get(hash) ?? {};
      commits.set(hash, current);
      continue;
    }
    const space = line.indexOf(' ');
    if (space > 0) current[line.slice(0, space)] = line.slice(space + 1);
  }
  const blames = new Map<string, Blame>();
  for (const [hash, fields] of commits) blames.set(hash, UNCOMMITTED.test(hash) ? { commit: null } : toBlame(hash, fields));
  return new Map([...lineCommit].map(([line, hash]) => [line, blames.get(hash)!]));
}

function toBlame(hash: string, fields: Record<string, string>): Blame {
  const blame: Blame = { commit: hash };
  if (fields.author !== undefined) blame.author = fields.author;
  const mail = fields['author-mail']?.replace(/^<|>$/g, '');
  if (mail) blame.author_email = mail;
  const date = isoDate(Number(fields['author-time']), fields['author-tz'] ?? '+0000');
  if (date !== undefined) blame.date = date;
  return blame;
}

/** Seconds since the epoch, shown in the author's offset: `2026-11-20T14:03:00+01:00`. */
function isoDate(seconds: number, tz: string): string | undefined {
  const offset = /^([+-])(\d\d)(\d\d)$/.exec(tz);
  if (!Number.isFinite(seconds) || offset === null) return undefined;
  const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${offset[1]}${offset[2]}:${offset[3]}`;
}
