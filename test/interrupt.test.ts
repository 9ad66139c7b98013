import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../src/backends/local/local-backend.js';
import { BIN, cli, ROOT, STACK_TRACE, tempDir } from './helpers/cli.js';
import { manyApplications } from './helpers/configs.js';


interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real binary; once its standard output contains `when`, does `then` to it (send a signal,
 * close the pipe). Resolves when the process has ended.
 */
function runUntil(argv: string[], when: string, then: (child: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!done && stdout.includes(when)) {
        done = true;
        then(child);
      }
    });
    child.stdout.on('error', () => undefined);
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function bigWorkspace(n: number) {
  const dir = await tempDir();
  const config = join(dir, 'big.yaml');
  await writeFile(config, manyApplications(n));
  return { dir, config, state: join(dir, 'state.json'), creds: join(dir, 'creds.json') };
}

/** The state file parses, and every credential in it has its key in the credentials file. */
async function stateIsWholeAndKeysKept(state: string, creds: string): Promise<void> {
  const data = JSON.parse(await readFile(state, 'utf8').catch(() => '{"applications":{},"credentials":{}}')) as {
    applications: Record<string, { reference_id: string }>;
    credentials: Record<string, { application_id: string; name: string; key_hash: string }>;
  };
  const keys = JSON.parse(await readFile(creds, 'utf8').catch(() => '{}')) as Record<string, string>;
  for (const c of Object.values(data.credentials)) {
    const address = `credential.${data.applications[c.application_id]!.reference_id}/${c.name}`;
    expect(keys[address] !== undefined && hashKey(keys[address]) === c.key_hash, address).toBe(true);
  }
}

/** Nothing but the config, the state and the credentials file: no lock, no temporary file. */
async function noLeftovers(dir: string): Promise<void> {
  expect((await readdir(dir)).filter((f) => !['big.yaml', 'state.json', 'creds.json'].includes(f))).toEqual([]);
}

describe('a signal during apply', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: no new writes start, what landed is saved, the lock released, exit ${code}; a rerun converges`, async () => {
      const ws = await bigWorkspace(300);
      const r = await runUntil(['apply', ws.config, '--yes', '--state', ws.state, '--credentials-out', ws.creds], '\ncreated ', (child) => child.kill(signal));

      expect(r.signal).toBeNull(); // it ended on its own terms
      expect(r.code).toBe(code);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(r.stderr).toMatch(new RegExp(`^apply stopped by ${signal}: \\d+ applied, 0 failed, 0 skipped, \\d+ not started; apply again to finish$`, 'm'));
      await noLeftovers(ws.dir);
      await stateIsWholeAndKeysKept(ws.state, ws.creds);

      const again = await cli(['apply', ws.config, '--yes', '--state', ws.state, '--credentials-out', ws.creds]);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      await stateIsWholeAndKeysKept(ws.state, ws.creds);
      expect((await cli(['plan', ws.config, '--state', ws.state, '--detailed-exitcode'])).code).toBe(0);
    });
  }

  it('a signal outside apply leaves no lock', async () => {
    const ws = await bigWorkspace(300);
    const r = await runUntil(['plan', ws.config, '--state', ws.state], 'creating', (child) => child.kill('SIGTERM'));
    expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    await noLeftovers(ws.dir);
  });
});

describe('a closed standard output', () => {
  it('ends plan quietly: no stack trace, no error', async () => {
    const ws = await bigWorkspace(2500); // a plan of 250 kB: more than the pipe holds after the first read
    const r = await runUntil(['plan', ws.config, '--state', ws.state], 'creating', (child) => child.stdout!.destroy());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('stops apply: nothing more starts, the lock is released, one line on stderr; a rerun converges', async () => {
    const ws = await bigWorkspace(1000);
    const r = await runUntil(['apply', ws.config, '--yes', '--state', ws.state, '--credentials-out', ws.creds], 'creating', (child) => child.stdout!.destroy());
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toMatch(/^(error: )?apply stopped \(standard output closed\): [^\n]*\n$/);
    expect(r.code).toBe(1);
    await noLeftovers(ws.dir);
    await stateIsWholeAndKeysKept(ws.state, ws.creds);
    expect((await cli(['apply', ws.config, '--yes', '--state', ws.state, '--credentials-out', ws.creds])).code).toBe(0);
    expect((await cli(['plan', ws.config, '--state', ws.state, '--detailed-exitcode'])).code).toBe(0);
  });
});
