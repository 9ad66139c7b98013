import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_TRACE, tempDir } from './helpers/cli.js';
import { atPrompt, hasScript } from './helpers/terminal.js';

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
