import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { validate } from './helpers/validate.js';

const PRODUCTS = `auth_strategies: [{ name: ka, type: key_auth }]
products:
  - name: billing
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: ka, auto_approve: true }
`;

describe('validate: reserved label keys', () => {
  it('refuses a portalctl- label key at its line, naming the key', async () => {
    const r = await validate({
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    labels:\n      team: payments\n      portalctl-namespace: team-b\n      portalctlish: ok\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${r.at('a.yaml', 6, 7)}: label key "portalctl-namespace" is reserved: keys starting with portalctl- are written by portalctl itself (portalctl-namespace marks which namespace owns an object)\ninvalid: 1 error\n`,
    );
  });
});

describe('validate: names and references are bounded', () => {
  it('gives every string of the schema a maximum length (or a fixed set of values)', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas/portalctl.schema.json'), 'utf8'));
    const unbounded: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'string' && n.maxLength === undefined && n.enum === undefined) unbounded.push(where);
      for (const [key, child] of Object.entries(n)) walk(child, `${where}/${key}`);
    };
    walk(schema, '#');
    expect(unbounded).toEqual([]);
  });

  it('refuses references longer than a name may be, at their place', async () => {
    const long = 'p'.repeat(101);
    const r = await validate({
      'p.yaml': PRODUCTS,
      'a.yaml': `applications:\n  - reference_id: app\n    name: App\n    auth_strategy: ${long}\n    registrations: [{ product: ${long}, version: ${long} }]\n`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        `${r.at('a.yaml', 4, 20)}: auth_strategy: must be at most 100 characters`,
        `${r.at('a.yaml', 5, 32)}: product: must be at most 100 characters`,
        `${r.at('a.yaml', 5, 144)}: version: must be at most 100 characters`,
        'invalid: 3 errors',
        '',
      ].join('\n'),
    );
  });
});

describe('validate: every problem in one run', () => {
  it('reports a schema error in one file and an unknown reference in another together', async () => {
    const r = await validate({
      'p.yaml': PRODUCTS,
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: billing, version: v2 }]\n',
      'b.yaml': 'applications:\n  - reference_id: other\n    nmae: Other\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${r.at('a.yaml', 4, 21)}: unknown version "v2" of product "billing" (did you mean "v1"?)`,
      `${r.at('b.yaml', 2, 5)}: missing required field "name" in applications[0]`,
      `${r.at('b.yaml', 3, 5)}: unknown field "nmae" in applications[0] (did you mean "name"?)`,
      'invalid: 3 errors',
    ]);
  });

  it('reports registration rules of valid files next to a YAML syntax error', async () => {
    const r = await validate({
      'p.yaml': PRODUCTS,
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: billing, version: v1, status: pending }]\n',
      'broken.yaml': 'applications:\n  - reference_id: [unclosed\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 4, 21)}: status "pending" is impossible`);
    expect(r.stderr).toMatch(new RegExp(`^${r.at('broken.yaml', 3, 1).replace(/:\d+:\d+$/, '')}:\\d+:\\d+: YAML: `, 'm'));
  });

  it('does not report a reference into a section that a broken document declares', async () => {
    const r = await validate({
      'p.yaml': `auth_strategies: [{ name: ka, type: key_auth }]\nproducts:\n  - name: billing\n    description: 42\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: ka } }]\n`,
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: billing, version: v1 }]\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${r.at('p.yaml', 4, 18)}: description: must be a string, not an integer\ninvalid: 1 error\n`);
  });

  it('checks nothing against a file that could not be read at all', async () => {
    const r = await validate({
      'p.yaml': Buffer.from([0x70, 0x00]).toString('latin1'),
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: billing, version: v1 }]\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${r.at('p.yaml', 1, 2)}: binary file (NUL byte); config files are UTF-8 YAML text\ninvalid: 1 error\n`);
  });
});

describe('limits a portal keeps', () => {
  it('more than 20 credentials on one application is an error at the 21st', async () => {
    const credentials = Array.from({ length: 21 }, (_, i) => `      - { name: c${i} }\n`).join('');
    const r = await validate({ 'a.yaml': `applications:\n  - reference_id: app\n    name: App\n    credentials:\n${credentials}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${r.at('a.yaml', 25, 9)}: application "app" declares 21 credentials; a portal allows at most 20 per application\ninvalid: 1 error\n`);
  });
});
