import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, STACK_TRACE, tempDir } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

async function writeFiles(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

describe('config files: JSON', () => {
  it('validates what `dump --format json --out DIR` wrote', async () => {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    const out = join(ws.dir, 'dumped');
    await mkdir(out);
    const dump = await cli(['dump', '--format', 'json', '--out', out, '--state', ws.state]);
    expect(dump.code, dump.stderr).toBe(0);
    const r = await cli(['validate', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: 1 auth strategy, portal settings, 1 product, 1 product version, 1 application, 1 registration, 1 credential \(1 file/);
  });

  it('reads *.json in directories, with line and column in errors (tab-indented JSON too)', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'apps.json': '{\n\t"applications": [\n\t\t{ "reference_id": "app", "name": "App", "labels": { "kong-x": "y" } }\n\t]\n}\n',
    });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'apps.json')}:3:55: label key "kong-x" is not valid`);
  });
});

describe('config files: hidden files', () => {
  it("skips an editor's lock file (a dangling link) in a directory", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'portal.yaml': 'applications: [{ reference_id: app, name: App }]\n' });
    await symlink('user@host.4242:1700000000', join(dir, '.#portal.yaml'));
    await writeFile(join(dir, '.portal.yaml.swp'), Buffer.from([0x62, 0x30, 0x00, 0xff]));
    const r = await cli(['validate', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 application');
  });

  it('still reads a hidden file named on the command line', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '.portal.yaml': 'applications: [{ reference_id: app, name: App }]\n' });
    const r = await cli(['validate', join(dir, '.portal.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 application');
  });
});

describe('config files: YAML merge keys', () => {
  it('expands `<<: *anchor`, an own key overriding a merged one', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'p.yaml': `auth_strategies: [{ name: ka, type: key_auth }]
products:
  - name: billing
    versions:
      - name: v1
        registration: &open { enabled: true, auth_strategy: ka, auto_approve: true }
      - name: v2
        registration:
          <<: *open
          auto_approve: false
applications:
  - &app
    reference_id: a1
    name: App
    registrations: [{ product: billing, version: v2, status: pending }]
  - <<: *app
    reference_id: a2
`,
    });
    const r = await cli(['validate', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 product versions, 2 applications, 2 registrations');
  });

  it('points an error in a merged field at the place the field is written', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'p.yaml': `auth_strategies: [{ name: ka, type: key_auth }]
products:
  - name: billing
    versions:
      - name: v1
        registration: &open { enabled: true, auth_strategy: ka, auto_aprove: true }
      - name: v2
        registration: { <<: *open, enabled: yes }
`,
    });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    const at = (line: number, col: number) => `${join(dir, 'p.yaml')}:${line}:${col}`;
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${at(6, 65)}: unknown field "auto_aprove" in products[0].versions[0].registration (did you mean "auto_approve"?)`,
      `${at(6, 65)}: unknown field "auto_aprove" in products[0].versions[1].registration (did you mean "auto_approve"?)`,
      `${at(8, 45)}: enabled: must be a boolean, not a string (write true or false)`,
      'invalid: 3 errors',
    ]);
  });

  it('keeps duplicate-key detection and the alias limit', async () => {
    const dir = await tempDir();
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}: *a`).join(', ');
    await writeFiles(dir, {
      'dup.yaml': 'applications:\n  - &a { reference_id: a1, name: App }\n  - <<: *a\n    name: B\n    name: C\n',
      'many.yaml': `applications:\n  - &a { reference_id: a1, name: App }\n  - { <<: [${Array(120).fill('*a').join(', ')}], reference_id: a2 }\nx: { ${keys} }\n`,
    });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toContain(`${join(dir, 'dup.yaml')}:5:5: duplicate key in mapping`);
    expect(r.stderr).toContain(`${join(dir, 'many.yaml')}:1:1: too many alias expansions`);
  });
});

describe('config files: a merge key that merges no mapping', () => {
  it('is one error at the merge key', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'a.yaml': 'applications:\n  - &a { reference_id: a1, name: App }\n  - <<: [*a, 7]\n    reference_id: a2\n' });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${join(dir, 'a.yaml')}:3:5: merge key <<: merge a mapping, an alias of one, or a list of them\ninvalid: 1 error\n`);
  });
});

describe('config files: many files under a low open-file limit', () => {
  it('reads 1,500 files with `ulimit -n 256` without running out of file descriptors', async () => {
    const dir = await tempDir();
    const names = Array.from({ length: 1500 }, (_, i) => i);
    for (let i = 0; i < names.length; i += 100) {
      await Promise.all(
        names.slice(i, i + 100).map((n) => writeFile(join(dir, `app-${n}.yaml`), `applications: [{ reference_id: app-${n}, name: App ${n} }]\n`)),
      );
    }
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'sh',
        ['-c', 'ulimit -n 256 && exec "$0" "$1" validate "$2"', process.execPath, BIN, dir],
        { cwd: ROOT, env: { PATH: process.env.PATH }, timeout: 25_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 124) : 0, stdout, stderr }),
      );
    });
    expect(r.stderr).not.toContain('EMFILE');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1500 applications, 0 registrations, 0 credentials (1500 files');
  }, 30_000);
});
