import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, tempDir } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';


describe('a crash in the middle of an apply', () => {
  it('leaves a readable state and a lock the next run takes over', async () => {
    const dir = await tempDir();
    const config = join(dir, 'big.yaml');
    const state = join(dir, 'state.json');
    await writeFile(config, manyApplications(1500));

    // Kill the apply once it has started writing changes.
    const child = spawn(process.execPath, [BIN, 'apply', config, '--yes', '--state', state, '--credentials-out', join(dir, 'c.json')], { cwd: ROOT });
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('created application')) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(JSON.parse(await readFile(`${state}.lock`, 'utf8')).pid).toBe(child.pid);

    // The state is whole (here: still the empty portal, as the single write never happened) ...
    const text = await readFile(state, 'utf8').catch(() => '{"format_version":1}');
    expect(() => JSON.parse(text)).not.toThrow();
    // ... and the dead process's lock does not block the next apply, which converges.
    const again = await cli(['apply', config, '--yes', '--state', state, '--credentials-out', join(dir, 'c.json')]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect((await cli(['plan', config, '--state', state, '--detailed-exitcode'])).code).toBe(0);
  });
});
