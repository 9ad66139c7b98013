import { spawn, spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, STACK_TRACE, tempDir } from './helpers/cli.js';

// util-linux `script` runs a command on a pseudo-terminal: the only way to be a real TTY in CI.
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs portalctl on a terminal and, at its prompt, types `keys` (raw bytes: \x03 is Ctrl-C, \x04 Ctrl-D). */
function atPrompt(argv: string[], keys: string): Promise<{ code: number; out: string }> {
  const command = [process.execPath, BIN, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH, TERM: 'dumb' } });
    let out = '';
    let asked = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!asked && out.includes('Only "yes" is accepted')) {
        asked = true;
        child.stdin.write(keys);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe.skipIf(!hasScript)('the confirmation prompt', () => {
  for (const [key, keys] of [
    ['Ctrl-C', '\x03'],
    ['Ctrl-D', '\x04'],
  ] as const) {
    it(`${key} is a refusal: exit 3, nothing applied, one line, no lock left`, async () => {
      const dir = await tempDir();
      const state = join(dir, 'state.json');
      const r = await atPrompt(['apply', 'examples/quickstart', '--state', state], keys);
      expect(r.out).not.toContain('internal error');
      expect(r.out).not.toMatch(STACK_TRACE);
      expect(r.out).toMatch(/Only "yes" is accepted: (\^[CD])?\r?\nerror: apply cancelled: nothing applied\r?\n$/);
      expect(r.code).toBe(3);
      await expect(stat(state)).rejects.toThrow();
      expect(await readdir(dir)).toEqual([]);
    });
  }
});
