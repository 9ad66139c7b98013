import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

// util-linux `script` runs a command on a pseudo-terminal: the only way to be a real TTY in CI.
export const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * Runs portalctl on a terminal and, at its confirmation prompt, types `keys` (raw bytes: `yes\n`,
 * or \x03 for Ctrl-C, \x04 for Ctrl-D). Resolves with the exit code and everything the terminal showed.
 */
export function atPrompt(argv: string[], keys: string): Promise<{ code: number; out: string }> {
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
