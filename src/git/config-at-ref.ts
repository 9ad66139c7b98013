import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_FILE, SKIPPED, type FoundFiles } from '../config/files.js';
import type { ConfigSource } from '../config/load.js';
import { decodeConfigBytes, refuseSize, type ReadResult } from '../config/read.js';
import { error, type Problem } from '../diagnostics/problems.js';
import { gitFailure, type Repository } from './repository.js';

/** A config source that also knows where in the repository each file it found is. */
export interface ConfigAtRef extends ConfigSource {
  /** The repository path of a file `find` returned. */
  repoPath(file: string): string | undefined;
}

/** One file of a tree at a commit, from `git ls-tree -l`. */
interface TreeFile {
  mode: string;
  type: string;
  oid: string;
  size: number;
  /** Repository-relative, with `/`. */
  path: string;
}

/**
 * The config as it stands at `commit` (named `ref` to the user), read from git's objects: neither
 * the work tree nor the index is touched. PATHS expand by the rules of the work-tree walk
 * (config/files.ts: *.yaml, *.yml and *.json; hidden entries and node_modules skipped; sorted by
 * name, depth first; a file named explicitly is read whatever its name), and each file is named as
 * the walk would name it (`config/apps.yaml` for PATH `config`), so problems point where a user
 * looks. A PATH that does not exist at the commit contributes nothing. Every blob is read in one
 * `git cat-file --batch`, with the size limit of config/read.ts.
 */
export function configAtRef(repo: Repository, commit: string, ref: string): ConfigAtRef {
  const texts = new Map<string, ReadResult>();
  const repoPaths = new Map<string, string>();

  const find = async (paths: readonly string[]): Promise<FoundFiles> => {
    const files: string[] = [];
    const problems: Problem[] = [];
    const wanted: { file: string; entry: TreeFile }[] = [];
    const seen = new Set<string>();
    for (const path of paths) {
      const rel = await repo.pathOf(path);
      if (rel === undefined) {
        problems.push(error(`${path}: outside the git work tree ${repo.top}`));
        continue;
      }
      for (const { file, entry } of await filesUnder(repo, commit, path, rel)) {
        if (seen.has(entry.path)) continue;
        seen.add(entry.path);
        if (entry.mode === '120000') {
          problems.push(error(`${file}: a symbolic link at ${ref}; links are not followed in git history`));
          continue;
        }
        files.push(file);
        repoPaths.set(file, entry.path);
        const refused = refuseSize(file, entry.size);
        if (refused) texts.set(file, refused);
        else wanted.push({ file, entry });
      }
    }
    const blobs = await readBlobs(repo, wanted.map((w) => w.entry.oid));
    for (const { file, entry } of wanted) texts.set(file, decodeConfigBytes(file, blobs.get(entry.oid)!));
    return { files, problems };
  };

  return {
    find,
    read: async (file) => texts.get(file) ?? { ok: false, problem: error(`${file}: not found at ${ref}`) },
    repoPath: (file) => repoPaths.get(file),
  };
}

/** The config files PATH (at repository path `rel`) names at `commit`, each with the name the work-tree walk would give it. */
async function filesUnder(repo: Repository, commit: string, path: string, rel: string): Promise<{ file: string; entry: TreeFile }[]> {
  // A literal pathspec: a name with * or ? is a name, not a pattern.
  const args = ['ls-tree', '-r', '-l', '-z', commit, ...(rel === '' ? [] : ['--', `:(literal)${rel}`])];
  let out: string;
  try {
    out = await repo.git.raw(args);
  } catch (cause) {
    throw gitFailure(cause, `${path}: cannot list its files at ${commit.slice(0, 12)} (git ls-tree failed)`);
  }
  const entries = parseLsTree(out).filter((e) => e.type === 'blob');
  // The path itself is a file: read whatever its name.
  const self = entries.find((e) => e.path === rel);
  if (self !== undefined) return [{ file: path, entry: self }];

  const prefix = rel === '' ? '' : `${rel}/`;
  const found: { file: string; entry: TreeFile; segments: string[] }[] = [];
  for (const entry of entries) {
    if (!entry.path.startsWith(prefix)) continue;
    const segments = entry.path.slice(prefix.length).split('/');
    if (segments.some(SKIPPED) || !CONFIG_FILE.test(segments[segments.length - 1]!)) continue;
    found.push({ file: join(path, ...segments), entry, segments });
  }
  // The walk's order: entries sorted by name within each directory, depth first (git sorts a
  // directory as if its name ended in `/`, which differs).
  found.sort((a, b) => compareSegments(a.segments, b.segments));
  return found;
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** `<mode> SP <type> SP <object> SP+ <size> TAB <path>`, NUL-terminated (`git ls-tree -l -z`). */
function parseLsTree(out: string): TreeFile[] {
  const entries: TreeFile[] = [];
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', oid = '', size = ''] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, oid, size: Number(size) || 0, path: record.slice(tab + 1) });
  }
  return entries;
}

/** The contents of blobs, by object id, in one `git cat-file --batch`. */
function readBlobs(repo: Repository, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.top, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', (cause) => reject(gitFailure(cause, `cannot read the config from git (${cause.message})`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(gitFailure(new Error(stderr), `cannot read the config from git (git cat-file exited with ${code}: ${stderr.split('\n', 1)[0]})`));
      try {
        resolve(parseBatch(Buffer.concat(chunks)));
      } catch (cause) {
        reject(gitFailure(cause, `cannot read the config from git (${(cause as Error).message})`));
      }
    });
    child.stdin.on('error', () => undefined); // an early exit is reported by 'close'
    child.stdin.end(unique.join('\n') + '\n');
  });
}

/** `<oid> SP <type> SP <size> LF <contents> LF`, per object (`git cat-file --batch`). */
function parseBatch(out: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error('truncated git cat-file output');
    const [oid = '', type = '', size = ''] = out.subarray(at, eol).toString('utf8').split(' ');
    if (type === 'missing' || size === '') throw new Error(`object ${oid} is missing`);
    const length = Number(size);
    blobs.set(oid, out.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 1;
  }
  return blobs;
}
