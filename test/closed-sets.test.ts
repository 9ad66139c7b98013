import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeProblems } from '../src/backends/local/store-check.js';
import { KINDS, SECTIONS } from '../src/model/kind.js';
import { SPECS } from '../src/model/kinds/index.js';
import { cli, ROOT } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

// Each closed set is defined once (a generated type, or one constant checked against it at compile
// time); these tests hold the run-time lists to the schemas, so that a new kind, section, backend or
// status that one side forgets fails here.

interface Node {
  enum?: string[];
  type?: string;
  properties?: Record<string, Node>;
  definitions?: Record<string, Node>;
}

const readSchema = async (name: string) => JSON.parse(await readFile(join(ROOT, 'schemas', name), 'utf8')) as Node;
const planSchema = await readSchema('plan.schema.json');
const configSchema = await readSchema('portalctl.schema.json');

function enumAt(root: Node, ...path: string[]): string[] {
  const node = path.reduce<Node | undefined>((n, key) => (key === 'definitions' ? n : n?.properties?.[key] ?? n?.definitions?.[key]), root);
  if (!node?.enum) throw new Error(`no enum at ${path.join('.')}`);
  return node.enum;
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('kinds', () => {
  it("KINDS are exactly the plan schema's kinds", () => {
    expect(sorted(KINDS)).toEqual(sorted(enumAt(planSchema, 'Change', 'kind')));
  });

  it('every kind has its spec', () => {
    expect(sorted(Object.keys(SPECS))).toEqual(sorted(KINDS));
  });
});

describe('sections', () => {
  it("SECTIONS are exactly the config schema's top-level lists and singletons' mappings", () => {
    const lists = Object.entries(configSchema.properties ?? {}).filter(([, node]) => node.type === 'array' || '$ref' in node);
    expect(sorted(SECTIONS)).toEqual(sorted(lists.map(([name]) => name)));
  });

  it('every section declares at least one kind, and every kind sits in a section', () => {
    expect(sorted(new Set(KINDS.map((kind) => SPECS[kind].section)))).toEqual(sorted(SECTIONS));
  });
});

describe('backends', () => {
  it("every backend --backend offers is a backend type of the plan schema (a plan names where it applies)", async () => {
    const types = enumAt(planSchema, 'backend', 'type');
    for (const command of ['plan', 'apply', 'dump']) {
      const help = (await cli([command, '--help'])).stdout.replace(/\s+/g, ' ');
      const choices = /--backend <type> .*?\(choices: ([^)]*?), default:/.exec(help)?.[1];
      expect(choices, `${command} --help names the --backend choices`).toBeDefined();
      const offered = [...choices!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      expect(offered.length).toBeGreaterThan(0);
      for (const backend of offered) expect(types, `${command} --backend ${backend}`).toContain(backend);
    }
  });
});

describe('the local store accepts exactly the values the config schema allows', () => {
  const fields = [
    { table: 'registrations', field: 'status', allowed: enumAt(configSchema, 'Registration', 'status') },
    { table: 'product_versions', field: 'publish_status', allowed: enumAt(configSchema, 'ProductVersion', 'publish_status') },
    { table: 'product_versions', field: 'visibility', allowed: enumAt(configSchema, 'ProductVersion', 'visibility') },
    {
      table: 'auth_strategies',
      field: 'type',
      allowed: [...enumAt(configSchema, 'KeyAuthStrategy', 'type'), ...enumAt(configSchema, 'OpenIdConnectStrategy', 'type')],
    },
  ];

  /** The state an apply of the quickstart writes: one record in every table. */
  let applied: string;
  beforeAll(async () => {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    applied = await readFile(ws.state, 'utf8');
  });

  for (const { table, field, allowed } of fields) {
    it(`${table}.${field}`, async () => {
      const data = JSON.parse(applied) as Record<string, Record<string, Record<string, unknown>>>;
      const record = Object.values(data[table]!)[0]!;
      for (const value of allowed) {
        record[field] = value;
        expect(storeProblems(data), `${field} ${value}`).toEqual([]);
      }
      record[field] = 'not-in-the-schema';
      expect(storeProblems(data)).toHaveLength(1);
    });
  }
});
