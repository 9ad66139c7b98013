import { mkdir, symlink, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, STACK_TRACE, tempDir } from './helpers/cli.js';
import { expectNoSecrets } from './reliability/secret-scan.js';

/**
 * Hostile input, through the real binary: each case must end with one clear error (file:line:col
 * where a file is the cause), exit 1, no stack trace, and within seconds.
 */
async function validateDir(dir: string, ...extra: string[]) {
  const r = await spawnCli(['validate', dir, ...extra], { timeoutMs: 20_000 });
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.ms).toBeLessThan(10_000);
  return r;
}

describe('hostile input', () => {
  it('YAML syntax errors, at their line and column', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), 'applications:\n  - reference_id: x\n    name: [unclosed\n  - b: c\n');
    const r = await validateDir(dir);
    expect(r.stderr).toMatch(new RegExp(`^${join(dir, 'a.yaml')}:\\d+:\\d+: YAML: `, 'm'));
  });

  it('an alias bomb ("billion laughs")', async () => {
    const dir = await tempDir();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    await writeFile(join(dir, 'bomb.yaml'), levels.join('\n') + '\n');
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'bomb.yaml')}:1:1: too many alias expansions`);
  });

  it('__proto__ and constructor keys', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), '__proto__: { namespace: evil }\nconstructor: { prototype: x }\napplications: []\n');
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:1:1: unknown field "__proto__" at the top level`);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:2:1: unknown field "constructor" at the top level`);
  });

  it('nesting thousands deep: one error saying so, not the parser\'s stack overflow', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), `applications: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    await writeFile(join(dir, 'b.yaml'), `products: ${'{a: '.repeat(5000)}x${'}'.repeat(5000)}\n`);
    const r = await validateDir(dir);
    for (const file of ['a.yaml', 'b.yaml']) expect(r.stderr).toMatch(new RegExp(`^${join(dir, file)}:1:\\d+: YAML: nested too deeply \\(hundreds of levels of lists or mappings inside each other\\)$`, 'm'));
    expect(r.stderr).not.toMatch(/call stack/i);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
  });

  it('a hostile value from the environment in a name is refused without being shown', async () => {
    const dir = await tempDir();
    const value = 'Secret\u001b[31m\nerror: forged-Value';
    await writeFile(join(dir, 'a.yaml'), 'applications:\n  - reference_id: ${{ env "REF" }}\n    name: n\n    description: ${{ env "DESC" }}\n');
    const r = await spawnCli(['validate', dir], { env: { REF: value, DESC: `${value}-desc` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reference_id: ${{ env }} is not allowed in names and references');
    await expectNoSecrets({ ref: value, desc: `${value}-desc`, forged: 'forged-Value' }, { texts: { stdout: r.stdout, stderr: r.stderr } });
  });

  it('duplicate mapping keys', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), 'namespace: a\nnamespace: b\n');
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:2:1: duplicate key in mapping`);
  });

  it('invalid UTF-8, at the line and column of the bad byte', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), Buffer.concat([Buffer.from('namespace: ok\nportal: caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:2:12: invalid UTF-8`);
  });

  it('a binary file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff]));
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:1:7: binary file`);
  });

  it('UTF-16 text', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('namespace: x\n', 'utf16le')]));
    const r = await validateDir(dir);
    expect(r.stderr).toContain('UTF-16 or UTF-32 text is not supported');
  });

  it('a 50 MB file is refused at once', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big.yaml');
    const handle = await open(file, 'w');
    const chunk = Buffer.from('applications:\n' + '  - { reference_id: x, name: y }\n'.repeat(32 * 1024));
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) await handle.write(chunk);
    await handle.close();
    const r = await validateDir(dir);
    expect(r.stderr).toMatch(new RegExp(`^${file}:1:1: file too large \\(5\\d\\.\\d MiB; the limit is 10\\.0 MiB per file\\)`, 'm'));
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a directory with no YAML', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'nothing here');
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${dir}: no config files (*.yaml, *.yml, *.json) found in this directory`);
  });

  it('a path that does not exist', async () => {
    const dir = await tempDir();
    const r = await validateDir(join(dir, 'missing'));
    expect(r.stderr).toContain(`${join(dir, 'missing')}: no such file or directory`);
  });

  it('symlink loops: a link back to a parent is read once, a link to itself is an error', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a.yaml'), 'namespace: ok\n');
    await symlink('..', join(dir, 'sub', 'up'));
    await symlink('self.yaml', join(dir, 'self.yaml'));
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'self.yaml')}: symbolic link loop`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // the loop and the count: sub/up is skipped quietly
  });

  it('a directory loop alone still validates', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), 'namespace: ok\n');
    await symlink('.', join(dir, 'again'));
    const r = await spawnCli(['validate', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(1 file, namespace ok)');
  });

  it('a top level that is not a mapping', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), '- just\n- a list\n');
    const r = await validateDir(dir);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:1:1: document: must be a mapping, not a list`);
  });

  it('an unknown option is one usage line, not a stack trace', async () => {
    const r = await spawnCli(['validate', '--no-such-flag']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('the binary', () => {
  it('prints the version of package.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const { ROOT } = await import('./helpers/cli.js');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const r = await spawnCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});
