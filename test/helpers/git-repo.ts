import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from './cli.js';

export interface Author {
  name: string;
  email: string;
  /** ISO 8601 with an offset: the commit's author and committer date. */
  date: string;
}

/** A real git repository in a temp folder, committed to with fixed authors and dates. */
export async function gitRepo() {
  const dir = await tempDir();
  // Neither the user's nor the system's git config may change what the tests see.
  const baseEnv = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<string>((resolve, reject) => {
      execFile('git', args, { cwd: dir, env: { ...baseEnv, ...env } }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout)));
    });
  await git(['init', '-q', '-b', 'main']);
  const write = async (file: string, text: string) => {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  };
  return {
    dir,
    git,
    write,
    /** Writes `files`, stages everything and commits as `author`; returns the commit hash. */
    commit: async (message: string, author: Author, files: Record<string, string> = {}) => {
      for (const [file, text] of Object.entries(files)) await write(file, text);
      await git(['add', '-A']);
      await git(['commit', '-q', '-m', message], {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: author.date,
      });
      return (await git(['rev-parse', 'HEAD'])).trim();
    },
    /** What a reader leaves untouched: the status of the work tree and the bytes of the index. */
    snapshot: async () => {
      // The index first: git status may refresh it.
      const index = createHash('sha256').update(await readFile(join(dir, '.git', 'index'))).digest('hex');
      return { index, status: await git(['status', '--porcelain=v1', '-uall']), head: (await git(['rev-parse', 'HEAD'])).trim() };
    },
  };
}
