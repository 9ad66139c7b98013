import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli, STACK_TRACE, tempDir } from './cli.js';

/** Writes files into a fresh directory and validates it; `at` spells a position as messages do. */
export async function validate(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const result = await cli(['validate', dir], env);
  expect(result.stderr).not.toMatch(STACK_TRACE);
  return { ...result, dir, at: (name: string, line: number, col: number) => `${join(dir, name)}:${line}:${col}` };
}
