import { Alias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { documentPositions, keyIndex, offsetAt, type DocumentPositions, type KeyIndex } from './positions.js';
import { error, warning, type Problem, type SourcePos } from '../diagnostics/problems.js';

import type { DataPath } from './data-path.js';

export type { DataPath };

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

/** A parsed file as plain values (no AST, no closures): what a worker thread posts back. */
export interface PortableFile {
  documents: PortableDocument[];
  problems: Problem[];
  /** The LineCounter's line starts: offsets become lines and columns through them. */
  lineStarts: number[];
  /** The stack overflowed on deep nesting: what was found depends on the stack the thread had. */
  overflowed: boolean;
}

export interface PortableDocument {
  data: unknown;
  positions: DocumentPositions;
}

/**
 * Parses a config file's text (YAML, or JSON, which is YAML too). Every YAML document in it
 * (separated by `---`) is a partial config. Merge keys (`<<: *defaults`) are expanded. Syntax
 * errors, duplicate keys and alias bombs (merges count as alias expansions) become problems at their
 * line and column; a document with errors yields no data, so nothing half-parsed reaches validation.
 */
export function parseConfigText(file: string, text: string): ParsedFile {
  const parsed = parsePortable(file, text);
  return { documents: parsed.documents.map((doc) => locatedDocument(file, doc, parsed.lineStarts)), problems: parsed.problems };
}

/**
 * parseConfigText's work, as plain values: each document's data and the positions of its nodes.
 * The AST is dropped as soon as a document is read: it takes many times the data's memory.
 */
export function parsePortable(file: string, text: string): PortableFile {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const documents: PortableDocument[] = [];
  const posAt = (offset: number): SourcePos => ({ file, ...lineCounter.linePos(offset) });

  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, merge: true });
  // A text with nothing but comments parses to an empty list or to a document without contents.
  let overflowed = false;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    let tooDeep = false;
    for (const e of doc.errors) {
      // The parser may overflow the stack more than once as it unwinds (where depends on the stack
      // left): one error says it.
      if (isStackOverflow(e.message)) {
        overflowed = true;
        if (tooDeep) continue;
        tooDeep = true;
      }
      problems.push(error(yamlMessage(e.code, e.message), posAt(e.pos[0])));
    }
    for (const w of doc.warnings) problems.push(warning(yamlMessage(w.code, w.message), posAt(w.pos[0])));
    if (doc.errors.length > 0 || doc.contents === null) continue;

    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      if (cause instanceof Error && isStackOverflow(cause.message)) overflowed = true;
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
    documents.push({ data, positions: documentPositions(doc) });
  }
  return { documents, problems, lineStarts: lineCounter.lineStarts, overflowed };
}

/** A document of a PortableFile, with `locate` answering from its positions. */
export function locatedDocument(file: string, doc: PortableDocument, lineStarts: number[]): ParsedDocument {
  const lineCounter = new LineCounter();
  lineCounter.lineStarts = lineStarts;
  let index: KeyIndex | undefined;
  return {
    file,
    data: doc.data,
    locate: (path, key = false) => ({ file, ...lineCounter.linePos(offsetAt(doc.positions, path, key, (index ??= keyIndex(doc.positions)))) }),
  };
}

/** The yaml package's messages, first line only (they may carry a source excerpt). */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'duplicate key in mapping (each key may appear once)';
  // The parser recurses per level: thousands of nested [ or { overflow the stack, which it reports as is.
  if (isStackOverflow(first)) return 'YAML: nested too deeply (hundreds of levels of lists or mappings inside each other)';
  return `YAML: ${first}`;
}

function isStackOverflow(message: string): boolean {
  return /Maximum call stack size exceeded/i.test(message);
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
