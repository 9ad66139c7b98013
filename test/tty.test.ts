import { spawn, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from './helpers/cli.js';

// util-linux `script` runs a command on a pseudo-terminal: the only way to be a real TTY in CI.
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs portalctl on a terminal and types `answer` at its prompt. */
function onTerminal(argv: string[], answer: string): Promise<{ code: number; out: string }> {
  const command = [process.execPath, BIN, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH, TERM: 'dumb' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Only "yes" is accepted')) child.stdin.end(answer + '\n');
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe.skipIf(!hasScript)('apply on a terminal', () => {
  it('asks for confirmation, applies on "yes" and shows new keys once, in colour with progress', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const r = await onTerminal(['apply', 'examples/quickstart', '--state', state], 'yes');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Apply these changes? Only "yes" is accepted:');
    expect(r.out).toContain('\u001b[32mcreated credential mobile-banking/ci\u001b[0m');
    expect(r.out).toMatch(/\[6\/6\]/);
    const key = /credential\.mobile-banking\/ci: ([A-Za-z0-9_-]{32})/.exec(r.out)?.[1];
    expect(key).toBeDefined();
    expect(await readFile(state, 'utf8')).not.toContain(key);
  });

  it('changes nothing on any other answer (exit 3)', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const r = await onTerminal(['apply', 'examples/quickstart', '--state', state], 'y');
    expect(r.code).toBe(3);
    expect(r.out).toContain('apply cancelled: nothing applied');
    await expect(stat(state)).rejects.toThrow();
  });
});
