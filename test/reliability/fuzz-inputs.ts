// Generators of bad config input for the fuzz tests: mutated examples, random bytes and text, deep
// nesting, huge scalars, hostile names and config-shaped values of the wrong types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ROOT } from '../helpers/cli.js';

/** A config folder to write: file name → content. */
export type ConfigFiles = Record<string, string | Uint8Array>;

export interface FuzzCase {
  kind: string;
  files: ConfigFiles;
}

const EXAMPLE_FILES = ['quickstart/portal.yaml', 'org/portal.yaml', 'org/auth-strategies.yaml', 'org/products/payments-team.yaml', 'org/products/identity-team.yaml', 'org/applications/partners.yaml', 'org/applications/mobile-team.yaml', 'org/people/partner-onboarding.yaml'];
const EXAMPLES = EXAMPLE_FILES.map((file) => ({ file, text: readFileSync(join(ROOT, 'examples', file), 'utf8') }));

/** Names that have broken parsers, maps, paths and terminals elsewhere. */
export const HOSTILE_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__',
  '../../etc/passwd', 'a/b', 'a\\b', '.', '..', '', ' ', '\t', '-', '~', 'null', 'true', '0', '1e309', '0x1F', '.inf', '.nan',
  'nul\u0000byte', 'line\nbreak', 'cr\rreturn', 'tab\there', '\u001b[31mred\u001b[0m', '\u001b]0;title\u0007', '\u202eevil\u202c', '\u2028sep', '\u2029para',
  '\ufeffbom', '\ud83d\ude00 emoji', '\ud800 lone surrogate', 'x'.repeat(300), 'é'.repeat(100), '${{ env "HOME" }}', '${{ env "" }}', '${{ nope }}', '${{',
  '*alias', '&anchor', '!!binary', '!tag', '%TAG', '<<', '? key', '- item', '{a: 1}', '[1]', '#comment', '@at', '`tick`', '"quote', "'single",
];

/** Values of every YAML type, for "wrong type" mutations. */
const WRONG_VALUES = ['true', 'false', '~', 'null', '0', '-1', '1e400', '.nan', '[]', '{}', '[1, [2, [3]]]', '{ a: { b: c } }', '""', "''", '!!binary aGVsbG8=', '!!timestamp 2001-12-14', '*undefined_alias', '&a x', '|\n  block', '>-\n  folded', '? complex key'];

/** A case that prints itself short when fast-check reports it (a huge scalar would fill the screen). */
function fuzzCase(kind: string, files: ConfigFiles): FuzzCase {
  const shown = Object.entries(files)
    .map(([f, t]) => `${f} (${t.length} ${typeof t === 'string' ? 'chars' : 'bytes'}): ${typeof t === 'string' ? JSON.stringify(t.length > 600 ? `${t.slice(0, 300)}…${t.slice(-300)}` : t) : Buffer.from(t.slice(0, 256)).toString('hex')}`)
    .join('; ');
  return { kind, files, [fc.toStringMethod]: () => `${kind}: ${shown}` } as FuzzCase;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** One edit of a file's lines. Indices are taken modulo the length, so any number will do. */
const lineMutation: fc.Arbitrary<(lines: string[]) => string[]> = fc.oneof(
  fc.nat().map((i) => (lines: string[]) => lines.filter((_, j) => j !== i % lines.length)),
  fc.nat().map((i) => (lines: string[]) => lines.flatMap((l, j) => (j === i % lines.length ? [l, l] : [l]))),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (lines: string[]) => {
    const out = [...lines];
    const [x, y] = [a % out.length, b % out.length];
    [out[x], out[y]] = [out[y]!, out[x]!];
    return out;
  }),
  // A character flipped into any other, unicode included.
  fc.tuple(fc.nat(), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })).map(([i, c, s]) => (lines: string[]) => {
    const out = [...lines];
    const line = out[i % out.length]!;
    const at = line.length === 0 ? 0 : c % line.length;
    out[i % out.length] = line.slice(0, at) + s + line.slice(at + 1);
    return out;
  }),
  // A value replaced by one of another type.
  fc.tuple(fc.nat(), fc.nat()).map(([i, v]) => (lines: string[]) => {
    const out = [...lines];
    const at = i % out.length;
    out[at] = out[at]!.replace(/:\s.*$/, `: ${pick(WRONG_VALUES, v)}`);
    return out;
  }),
  // A value or a key replaced by a hostile name.
  fc.tuple(fc.nat(), fc.nat(), fc.boolean()).map(([i, n, key]) => (lines: string[]) => {
    const out = [...lines];
    const at = i % out.length;
    const name = JSON.stringify(pick(HOSTILE_NAMES, n));
    out[at] = key ? out[at]!.replace(/^(\s*-?\s*)[\w.-]+:/, `$1${name}:`) : out[at]!.replace(/:\s.*$/, `: ${name}`);
    return out;
  }),
  // A line of random unicode inserted.
  fc.tuple(fc.nat(), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([i, s]) => (lines: string[]) => [...lines.slice(0, i % lines.length), s, ...lines.slice(i % lines.length)]),
  // Indentation shifted.
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([i, d]) => (lines: string[]) => {
    const out = [...lines];
    const at = i % out.length;
    out[at] = d > 0 ? ' '.repeat(d) + out[at] : out[at]!.slice(-d);
    return out;
  }),
);

/** An example file with one to six edits; sometimes with the other files of its example beside it. */
export const mutatedExample: fc.Arbitrary<FuzzCase> = fc
  .record({ example: fc.nat(), edits: fc.array(lineMutation, { minLength: 1, maxLength: 6 }), siblings: fc.boolean() })
  .map(({ example, edits, siblings }) => {
    const { file, text } = pick(EXAMPLES, example);
    let lines = text.split('\n');
    for (const edit of edits) lines = lines.length === 0 ? [''] : edit(lines);
    const files: ConfigFiles = {};
    if (siblings && file.startsWith('org/')) for (const other of EXAMPLES.filter((e) => e.file.startsWith('org/'))) files[flat(other.file)] = other.text;
    files[flat(file)] = lines.join('\n');
    return fuzzCase('mutated example', files);
  });

const flat = (file: string) => file.replace(/\//g, '_');

export const randomBytes: fc.Arbitrary<FuzzCase> = fc.uint8Array({ maxLength: 4096 }).map((bytes) => fuzzCase('random bytes', { 'bytes.yaml': bytes }));

export const randomText: fc.Arbitrary<FuzzCase> = fc
  .string({ unit: fc.oneof(fc.constantFrom(':', '-', ' ', '\n', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '#', '"', "'", '?', '%', '@'), fc.string({ unit: 'binary', maxLength: 3 })), maxLength: 600 })
  .map((text) => fuzzCase('random text', { 'text.yaml': text }));

/** Nesting thousands deep in flow style, hundreds in block style (its text grows with the square of the depth), in a known section and at the top. */
export const deepNesting: fc.Arbitrary<FuzzCase> = fc
  .record({ depth: fc.oneof(fc.integer({ min: 20, max: 1_000 }), fc.integer({ min: 1_000, max: 20_000 })), style: fc.constantFrom('flow-list', 'flow-map', 'block-list', 'block-map', 'in-labels') })
  .map(({ depth, style }) => {
    let text: string;
    if (style === 'flow-list') text = `applications: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    else if (style === 'flow-map') text = `products: ${'{a: '.repeat(depth)}x${'}'.repeat(depth)}\n`;
    else if (style === 'block-list') text = `applications:\n${Array.from({ length: Math.min(depth, 600) }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}x\n`;
    else if (style === 'block-map') text = `${Array.from({ length: Math.min(depth, 600) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`;
    else text = `products:\n  - name: p\n    labels: ${'{a: '.repeat(depth)}x${'}'.repeat(depth)}\n`;
    return fuzzCase('deep nesting', { 'deep.yaml': text });
  });

/** A scalar of up to `maxBytes` in a name, a description, a key or a label. */
export function hugeScalar(maxBytes: number): fc.Arbitrary<FuzzCase> {
  return fc
    .record({ size: fc.integer({ min: 10_000, max: maxBytes }), where: fc.constantFrom('reference_id', 'description', 'key', 'label', 'namespace', 'block') })
    .map(({ size, where }) => {
      const big = 'x'.repeat(size);
      const text =
        where === 'reference_id' ? `applications:\n  - { reference_id: ${big}, name: n }\n`
        : where === 'description' ? `applications:\n  - { reference_id: a, name: n, description: "${big}" }\n`
        : where === 'key' ? `${big}: 1\n`
        : where === 'label' ? `products:\n  - name: p\n    labels: { ${big}: ${big} }\n`
        : where === 'namespace' ? `namespace: ${big}\n`
        : `applications:\n  - reference_id: a\n    name: n\n    description: |\n${big.replace(/x{80}/g, '      $&\n')}\n`;
      return fuzzCase('huge scalar', { 'huge.yaml': text });
    });
}

/** The quickstart with hostile names in every naming position. */
export const hostileNames: fc.Arbitrary<FuzzCase> = fc
  .record({ app: fc.nat(), product: fc.nat(), version: fc.nat(), strategy: fc.nat(), credential: fc.nat(), namespace: fc.nat(), random: fc.string({ unit: 'grapheme', maxLength: 20 }), useRandom: fc.nat({ max: 5 }) })
  .map((n) => {
    const names = [n.app, n.product, n.version, n.strategy, n.credential, n.namespace].map((i, slot) => JSON.stringify(slot === n.useRandom ? n.random : pick(HOSTILE_NAMES, i)));
    const [app, product, version, strategy, credential, namespace] = names;
    const text = `namespace: ${namespace}
auth_strategies:
  - { name: ${strategy}, type: key_auth, key_names: [${app}] }
products:
  - name: ${product}
    labels: { ${product}: ${version} }
    versions:
      - { name: ${version}, registration: { enabled: true, auth_strategy: ${strategy}, auto_approve: true } }
applications:
  - reference_id: ${app}
    name: ${app}
    registrations: [{ product: ${product}, version: ${version} }]
    credentials: [{ name: ${credential} }]
`;
    return fuzzCase('hostile names', { 'names.yaml': text });
  });

/** Config-shaped documents whose values are anything: the schema's job, at every field. */
export const wrongTypes: fc.Arbitrary<FuzzCase> = fc
  .record(
    {
      namespace: fc.anything({ maxDepth: 2 }),
      portal: fc.anything({ maxDepth: 1 }),
      auth_strategies: fc.array(fc.record({ name: fc.anything({ maxDepth: 1 }), type: fc.constantFrom('key_auth', 'openid_connect', 7, null), key_names: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      products: fc.array(fc.record({ name: fc.anything({ maxDepth: 1 }), versions: fc.anything({ maxDepth: 3 }), labels: fc.dictionary(fc.string(), fc.anything({ maxDepth: 1 })) }, { requiredKeys: [] }), { maxLength: 3 }),
      applications: fc.array(fc.record({ reference_id: fc.anything({ maxDepth: 1 }), name: fc.anything({ maxDepth: 1 }), registrations: fc.anything({ maxDepth: 3 }), credentials: fc.anything({ maxDepth: 3 }), owner: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      developers: fc.anything({ maxDepth: 3 }),
      teams: fc.anything({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((doc) => {
    let text: string;
    try {
      text = stringify(doc, { aliasDuplicateObjects: false });
    } catch {
      text = JSON.stringify(doc) ?? '';
    }
    return fuzzCase('wrong types', { 'typed.yaml': text });
  });
