import { Alias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { error, warning, type Problem, type SourcePos } from '../diagnostics/problems.js';

/** A path into a document's data: map keys and sequence indexes, as in ajv's instancePath. */
export type DataPath = readonly (string | number)[];

/** Aliases a document may expand. Real configs use a handful; an alias bomb needs thousands. */
const MAX_ALIAS_COUNT = 100;

/** One YAML document of a config file: its plain data and a way back to the source of any part. */
export interface ParsedDocument {
  file: string;
  data: unknown;
  /** Where the node at `path` starts, or its key when `key` is true (for "unknown field" errors). */
  locate(path: DataPath, key?: boolean): SourcePos;
}

export interface ParsedFile {
  documents: ParsedDocument[];
  problems: Problem[];
}

/**
 * Parses a config file's text (YAML, or JSON, which is YAML too). Every YAML document in it
 * (separated by `---`) is a partial config. Merge keys (`<<: *defaults`) are expanded. Syntax
 * errors, duplicate keys and alias bombs (merges count as alias expansions) become problems at their
 * line and column; a document with errors yields no data, so nothing half-parsed reaches validation.
 */
export function parseConfigText(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const documents: ParsedDocument[] = [];
  const posAt = (offset: number): SourcePos => ({ file, ...lineCounter.linePos(offset) });

  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, merge: true });
  // A text with nothing but comments parses to an empty list or to a document without contents.
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    for (const e of doc.errors) problems.push(error(yamlMessage(e.code, e.message), posAt(e.pos[0])));
    for (const w of doc.warnings) problems.push(warning(yamlMessage(w.code, w.message), posAt(w.pos[0])));
    if (doc.errors.length > 0 || doc.contents === null) continue;

    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      const badMerge = findBadMerge(doc);
      const message =
        cause instanceof ReferenceError && /alias/i.test(cause.message)
          ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible "billion laughs" document`
          : badMerge !== undefined
            ? 'merge key <<: merge a mapping, an alias of one, or a list of them'
            : `cannot read YAML: ${cause instanceof Error ? cause.message : String(cause)}`;
      problems.push(error(message, posAt(badMerge ?? doc.contents.range?.[0] ?? 0)));
      continue;
    }
    documents.push({
      file,
      data,
      locate: (path, key = false) => posAt(findOffset(doc, path, key)),
    });
  }
  return { documents, problems };
}

/** The yaml package's messages, first line only (they may carry a source excerpt). */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'duplicate key in mapping (each key may appear once)';
  // The parser recurses per level: thousands of nested [ or { overflow the stack, which it reports as is.
  if (/Maximum call stack size exceeded/i.test(first)) return 'YAML: nested too deeply (hundreds of levels of lists or mappings inside each other)';
  return `YAML: ${first}`;
}

/**
 * Offset of the deepest node on `path` that exists (the parent when a key is missing, as for a
 * "missing field" error). With `key`, the offset of the map key naming the last segment. A field a
 * merge key brought in is found where it is written: in the merged mapping (the anchor).
 */
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

/**
 * The pair of `map` under `key`: its own, else the first one its merge keys bring in (in their
 * order, as the merge itself takes them; an own pair overrides a merged one).
 */
function findPair(doc: Document, map: YAMLMap, key: string, depth: number): Pair | undefined {
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
  if (own || depth > MAX_ALIAS_COUNT) return own;
  for (const p of map.items) {
    if (!(isPair(p) && isScalar(p.key) && typeof p.key.value === 'symbol')) continue; // `<<` with merge on
    const value = resolve(doc, p.value as Node | null);
    const sources = isSeq(value) ? value.items.map((item) => resolve(doc, item as Node | null)) : [value];
    for (const source of sources) {
      const found = isMap(source) ? findPair(doc, source, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** Offset of the first merge key whose value is not a mapping (or an alias of one, or a list of them). */
function findBadMerge(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (!(isScalar(pair.key) && typeof pair.key.value === 'symbol')) return undefined;
      const value = resolve(doc, pair.value as Node | null);
      const sources = isSeq(value) ? value.items.map((item) => resolve(doc, item as Node | null)) : [value];
      if (sources.every((source) => isMap(source))) return undefined;
      found = pair.key.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

function resolve(doc: Document, node: Node | null): Node | null {
  // An alias stands for its anchor's node: follow it to walk the data it expands to.
  return node instanceof Alias ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}
