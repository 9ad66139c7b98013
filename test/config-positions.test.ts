import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { documentPositions, keyIndex, offsetAt } from '../src/config/positions.js';
import { parseConfigText, type DataPath } from '../src/config/parse.js';
import { ROOT, tempDir } from './helpers/cli.js';
// @ts-expect-error: the bench's generator is plain JavaScript
import { generate, sizeAt } from '../bench/generate.mjs';

// What `locate` answered when it walked the AST (src/config/parse.ts before the positions table):
// the reference every answer of the table must equal.
function findOffset(doc: Document, path: DataPath, key: boolean): number {
  let node: Node | null = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, segment] of path.entries()) {
    node = resolve(doc, node);
    let next: Node | null = null;
    if (isMap(node)) {
      const pair = findPair(doc, node, String(segment), 0);
      if (pair) {
        const keyNode = pair.key as Node;
        if (key && i === path.length - 1) return keyNode.range?.[0] ?? offset;
        next = (pair.value as Node | null) ?? keyNode;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = (node.items[segment] as Node | undefined) ?? null;
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      next = (node.items[Number(segment)] as Node | undefined) ?? null;
    }
    if (!next) return offset;
    node = next;
    offset = node.range?.[0] ?? offset;
  }
  return offset;
}

function findPair(doc: Document, map: YAMLMap, key: string, depth: number): Pair | undefined {
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
  if (own || depth > 100) return own;
  for (const p of map.items) {
    if (!(isPair(p) && isScalar(p.key) && typeof p.key.value === 'symbol')) continue;
    const value = resolve(doc, p.value as Node | null);
    const sources = isSeq(value) ? value.items.map((item) => resolve(doc, item as Node | null)) : [value];
    for (const source of sources) {
      const found = isMap(source) ? findPair(doc, source, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function resolve(doc: Document, node: Node | null): Node | null {
  return node instanceof Alias ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}

/** Every path into the document's data (as the schema, the environment and the merge name them), plus near misses. */
function pathsOf(data: unknown, limit = 20_000): DataPath[] {
  const paths: DataPath[] = [[], ['missing'], [0], ['0']];
  const walk = (value: unknown, path: DataPath, depth: number) => {
    if (paths.length > limit || depth > 12) return;
    paths.push(path, [...path, 'no-such-key'], [...path, 7], [...path, 'x', 'y']);
    if (Array.isArray(value)) {
      paths.push([...path, value.length], [...path, -1], [...path, '01'], [...path, 1.5]);
      value.forEach((item, i) => {
        walk(item, [...path, i], depth + 1);
        paths.push([...path, String(i)], [...path, String(i), 'name']);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, item] of Object.entries(value)) walk(item, [...path, k], depth + 1);
    }
  };
  walk(data, [], 0);
  return paths;
}

const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, merge: true } as const;

/** Checks every path of every document of `text`: the table's offset is the AST walk's, as a value and as a key. */
function expectSamePositions(text: string): number {
  let checked = 0;
  for (const doc of parseAllDocuments(text, { ...OPTIONS, lineCounter: new LineCounter() })) {
    if (doc.errors.length > 0 || doc.contents === null) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    const positions = documentPositions(doc);
    const index = keyIndex(positions);
    for (const path of pathsOf(data)) {
      for (const key of [false, true]) {
        const expected = findOffset(doc, path, key);
        const actual = offsetAt(positions, path, key, index);
        if (actual !== expected) expect({ path, key, actual }).toEqual({ path, key, actual: expected });
        checked++;
      }
    }
  }
  return checked;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFilesUnder(join(dir, entry.name)) : /\.(ya?ml|json)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** YAML that stretches the walk: merges (own keys over merged ones, lists of merges, chains), aliases, odd keys, flow style. */
const TRICKY = [
  `base: &base\n  a: 1\n  b: {c: 2}\nuse:\n  <<: *base\n  a: 3\n  d: [1, 2]\n`,
  `x: &x {p: 1, q: &q [1, {r: 2}]}\ny: &y {p: 2, s: 3}\nz:\n  <<: [*x, *y]\n  t: *q\n`,
  `a: &a {k: 1}\nb: &b {<<: *a, l: 2}\nc: {<<: *b, m: 3}\n`,
  `list:\n  - &item {name: one, labels: {env: prod}}\n  - *item\n  - {<<: *item, name: two}\n`,
  `1: one\n"2": two\ntrue: yes\nnull: nothing\n1.5: f\n"": empty\n`,
  `? [complex, key]\n: value\nplain: 1\n`,
  `empty:\nnested:\n  inner:\n  list:\n    -\n    - ~\n`,
  `[1, [2, [3, {deep: [4]}]]]\n`,
  `- a\n- b: 1\n  c: [x, y]\n- [p: 1]\n`,
  `doc: 1\n---\nsecond: [1, 2]\n---\n# only a comment\n---\n- third\n`,
  `"quoted key": 1\n'single': {"x y": 2}\nkey with spaces: 3\n`,
  `s: &s scalar\nt: *s\nu: {v: *s}\n`,
  `{"json": {"style": [1, 2, {"three": 3}]}, "n": null}\n`,
  `applications:\n  - name: app\n    labels: &l\n      team: a\n    registrations:\n      - product: p\n        version: v1\n  - name: app2\n    labels: *l\n`,
  `big:\n${Array.from({ length: 40 }, (_, i) => `  key${i}: {v: ${i}}`).join('\n')}\n`,
  `products:\n- name: p\n  versions:\n  - version: v1\n    registration: {enabled: true}\n`,
  `key: value\nkey2: 'multi\n  line'\nkey3: |\n  block\n  text\n`,
];

describe('positions table (locate without the AST)', () => {
  it('answers as the AST walk did, on tricky YAML', () => {
    for (const text of TRICKY) expect([text, expectSamePositions(text)]).toEqual([text, expect.any(Number)]);
    expect(TRICKY.map(expectSamePositions).filter((n) => n === 0)).toEqual([]);
  });

  it('answers as the AST walk did, on every example config', () => {
    const files = yamlFilesUnder(join(ROOT, 'examples'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expectSamePositions(readFileSync(file, 'utf8'));
  });

  it('answers as the AST walk did, on a generated organisation', async () => {
    const dir = await tempDir();
    generate(dir, { size: sizeAt(0.02) });
    const files = yamlFilesUnder(dir);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expectSamePositions(readFileSync(file, 'utf8'));
  });

  it('gives lines and columns through the file line counter, as before', () => {
    const text = `# comment\nportal: p\napplications:\n  - name: a\n    description: x\n`;
    const [doc] = parseConfigText('f.yaml', text).documents;
    expect(doc!.locate(['applications', 0, 'description'])).toEqual({ file: 'f.yaml', line: 5, col: 18 });
    expect(doc!.locate(['applications', '0', 'description'], true)).toEqual({ file: 'f.yaml', line: 5, col: 5 });
    expect(doc!.locate(['applications', 0, 'missing'])).toEqual({ file: 'f.yaml', line: 4, col: 5 });
    expect(doc!.locate([])).toEqual({ file: 'f.yaml', line: 2, col: 1 });
  });
});
