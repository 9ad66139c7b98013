import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.js';
import { atPrompt, hasScript } from './helpers/terminal.js';

describe.skipIf(!hasScript)('apply on a terminal', () => {
  it('asks for confirmation, applies on "yes" and shows new keys once, in colour with progress', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state.json');
    const r = await atPrompt(['apply', 'examples/quickstart', '--state', state], 'yes\n');
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
    const r = await atPrompt(['apply', 'examples/quickstart', '--state', state], 'y\n');
    expect(r.code).toBe(3);
    expect(r.out).toContain('apply cancelled: nothing applied');
    await expect(stat(state)).rejects.toThrow();
  });
});
