import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, ROOT, tempDir } from './helpers/cli.js';

const GITHUB = join(ROOT, 'examples/ci/github/portalctl.yml');
const GITLAB = join(ROOT, 'examples/ci/gitlab/portalctl.gitlab-ci.yml');
const NOTES = join(ROOT, 'examples/ci/gitlab/merge-request-notes.mjs');

/** Every string of a parsed YAML value (scripts, run blocks, variables). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Every portalctl command line of a CI file: the command and the options it passes (its variables expanded). */
function portalctlCalls(text: string): Array<{ command: string; options: string[] }> {
  const doc = parse(text) as { env?: Record<string, string>; variables?: Record<string, string> };
  const variables: Record<string, string> = { ...doc.env, ...doc.variables };
  const script = strings(doc)
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .replace(/\$([A-Z_]+)\b/g, (whole, name: string) => variables[name] ?? whole);
  return [...script.matchAll(/npx portalctl (\w+)([^\n;>|]*)/g)].map((m) => ({ command: m[1]!, options: [...m[2]!.matchAll(/(?<=\s)--[a-z-]+/g)].map((o) => o[0]) }));
}

describe('examples/ci', () => {
  it.each([
    ['GitHub Actions', GITHUB],
    ['GitLab CI', GITLAB],
  ])('%s: valid YAML whose portalctl calls plan with --base and markdown, and apply the saved plan', async (_, file) => {
    const text = await readFile(file, 'utf8');
    expect(() => parse(text)).not.toThrow();
    const calls = portalctlCalls(text);
    expect(calls.map((c) => c.command).sort()).toEqual(['apply', 'plan']);
    const plan = calls.find((c) => c.command === 'plan')!;
    expect(plan.options).toEqual(expect.arrayContaining(['--base', '--format', '--out', '--backend']));
    expect(calls.find((c) => c.command === 'apply')!.options).toEqual(expect.arrayContaining(['--plan', '--yes', '--credentials-out', '--max-deletes']));
  });

  it.each([
    ['GitHub Actions', GITHUB],
    ['GitLab CI', GITLAB],
  ])('%s: every option it passes is one the command has', async (_, file) => {
    for (const call of portalctlCalls(await readFile(file, 'utf8'))) {
      const help = await cli([call.command, '--help']);
      for (const option of call.options) expect(help.stdout, `${call.command} ${option}`).toMatch(new RegExp(`${option}\\b`));
    }
  });
});

/** A GitLab API with one merge request, its notes, one pipeline and its plan job's artifact. */
async function fakeGitLab() {
  const notes: Array<{ id: number; body: string }> = [{ id: 1, body: 'LGTM' }];
  const seen: string[] = [];
  const json = (res: ServerResponse, value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url!, 'http://x');
    seen.push(`${req.method} ${url.pathname} ${req.headers['private-token']}`);
    const path = url.pathname.replace('/api/v4/projects/7', '');
    if (path === '/merge_requests/5/notes' && req.method === 'GET') return json(res, notes);
    if (path === '/merge_requests/5/notes' && req.method === 'POST') return json(res, notes[notes.push({ id: notes.length + 1, body: JSON.parse(body).body }) - 1]);
    const put = /^\/merge_requests\/5\/notes\/(\d+)$/.exec(path);
    if (put && req.method === 'PUT') return json(res, Object.assign(notes.find((n) => n.id === Number(put[1]))!, { body: JSON.parse(body).body }));
    if (path === '/repository/commits/abc/merge_requests') return json(res, [{ iid: 5, sha: 'head5' }]);
    if (path === '/merge_requests/5/pipelines') return json(res, [{ id: 99, sha: 'older', status: 'success' }, { id: 98, sha: 'head5', status: 'success' }]);
    if (path === '/pipelines/98/jobs') return json(res, [{ id: 3, name: 'portalctl-plan', status: 'success' }]);
    if (path === '/jobs/3/artifacts/plan.json') return res.writeHead(200).end('{"format_version":1}');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  return { notes, seen, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

function runNotes(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [NOTES, ...args], { cwd, env: { PATH: process.env.PATH, ...env } }, (err, _stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stderr }),
    ),
  );
}

describe('examples/ci/gitlab/merge-request-notes.mjs', () => {
  it('posts the plan as one note, then updates that note instead of adding another', async () => {
    const api = await fakeGitLab();
    const dir = await tempDir();
    const env = { CI_API_V4_URL: api.url, CI_PROJECT_ID: '7', CI_MERGE_REQUEST_IID: '5', GITLAB_API_TOKEN: 'glpat-x' };
    try {
      await writeFile(join(dir, 'plan.md'), '## portalctl plan: 1 to create\n');
      expect((await runNotes(['post', 'plan.md'], env, dir)).code).toBe(0);
      await writeFile(join(dir, 'plan.md'), '## portalctl plan: no changes\n');
      expect((await runNotes(['post', 'plan.md'], env, dir)).code).toBe(0);
      expect(api.notes.map((n) => n.body)).toEqual(['LGTM', '## portalctl plan: no changes\n']);
      expect(api.seen.every((line) => line.endsWith(' glpat-x'))).toBe(true);
    } finally {
      await api.close();
    }
  });

  it("saves the plan of the merge request's head pipeline, and fails in one line without a token", async () => {
    const api = await fakeGitLab();
    const dir = await tempDir();
    const env = { CI_API_V4_URL: api.url, CI_PROJECT_ID: '7', CI_COMMIT_SHA: 'abc', GITLAB_API_TOKEN: 'glpat-x' };
    try {
      expect((await runNotes(['fetch-plan', 'plan.json'], env, dir)).code).toBe(0);
      expect(await readFile(join(dir, 'plan.json'), 'utf8')).toBe('{"format_version":1}');
      const { GITLAB_API_TOKEN: _, ...noToken } = env;
      const failed = await runNotes(['fetch-plan', 'plan.json'], noToken, dir);
      expect([failed.code, failed.stderr]).toEqual([1, 'error: GITLAB_API_TOKEN is not set\n']);
    } finally {
      await api.close();
    }
  });
});
