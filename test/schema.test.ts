import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './helpers/cli.js';
// @ts-expect-error: a plain ESM script without type declarations
import { generate, TARGETS } from '../scripts/gen-types.mjs';

describe('the config schema', () => {
  it('has generated types in src/types that are up to date (run npm run gen:types)', async () => {
    for (const target of TARGETS as { schema: string; out: string }[]) {
      const expected = await generate(target);
      const actual = await readFile(join(ROOT, target.out), 'utf8');
      expect(actual, `${target.out} is stale: run npm run gen:types`).toBe(expected);
    }
  });

  it('is printed by `portalctl schema`, byte for byte', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(join(ROOT, 'schemas/portalctl.schema.json'), 'utf8'));
    expect(JSON.parse(r.stdout).$id).toMatch(/^https:\/\/.+portalctl\.schema\.json$/);
  });

  it('documents every property and closes every object', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas/portalctl.schema.json'), 'utf8'));
    const undocumented: string[] = [];
    const open: string[] = [];
    const walk = (node: Record<string, unknown>, where: string) => {
      if (node.type === 'object' && node.properties && node.additionalProperties !== false) open.push(where);
      for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof prop.description !== 'string' && typeof prop.$ref !== 'string') undocumented.push(`${where}.${name}`);
        walk(prop, `${where}.${name}`);
      }
      if (node.items) walk(node.items as Record<string, unknown>, `${where}[]`);
    };
    walk(schema, '#');
    for (const [name, def] of Object.entries(schema.definitions as Record<string, Record<string, unknown>>)) {
      if (typeof def.description !== 'string') undocumented.push(`#/definitions/${name}`);
      walk(def, `#/definitions/${name}`);
    }
    expect(undocumented).toEqual([]);
    expect(open).toEqual([]);
  });

  it('is the editor schema named in every example file', async () => {
    for (const file of ['examples/quickstart/portal.yaml', 'examples/org/products/payments-team.yaml']) {
      const text = await readFile(join(ROOT, file), 'utf8');
      const match = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      expect(match, file).not.toBeNull();
      const target = join(ROOT, file, '..', match![1]!);
      expect(target).toBe(join(ROOT, 'schemas/portalctl.schema.json'));
    }
  });
});
