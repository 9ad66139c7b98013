import { Alias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DataPath } from './data-path.js';

/**
 * Where every node of a YAML document starts, without the document: what `locate` needs once the
 * AST is gone (it is several times the size of the data, and a worker thread cannot send it).
 * Plain arrays of numbers and strings, so a worker can post it to the main thread cheaply.
 *
 * Each mapping or sequence (after following aliases) is one block of `nodes`:
 * `[count, firstKey, ...count × (keyOffset, valueOffset, childBlock)]`, where `firstKey` indexes
 * `keys` for a mapping's entries and is -1 for a sequence; an offset of -1 means the node has no
 * range (the position stays its parent's), a childBlock of -1 that the value is not a collection.
 * A mapping's entries are every key `findPair` can find in it: its own, then those its merge keys
 * bring in, in the order the merge takes them.
 */
export interface DocumentPositions {
  nodes: Int32Array;
  keys: string[];
  /** Offset of the document's contents, and its block (-1: not a collection). */
  rootOffset: number;
  rootBlock: number;
}

/** Merges followed before giving up, as `findPair` (a deeper chain was refused as an alias bomb). */
const MAX_MERGE_DEPTH = 100;

/** The positions of `doc`'s nodes, read from its AST once. */
export function documentPositions(doc: Document): DocumentPositions {
  let nodes = new Int32Array(1024);
  let used = 0;
  const keys: string[] = [];
  const blocks = new Map<Node, number>();

  const reserve = (size: number): number => {
    if (used + size > nodes.length) {
      const grown = new Int32Array(Math.max(nodes.length * 2, used + size));
      grown.set(nodes.subarray(0, used));
      nodes = grown;
    }
    const at = used;
    used += size;
    return at;
  };

  /** Child slots still to fill with their node's block: a loop, not recursion, whatever the nesting. */
  const pending: [slot: number, node: Node | null][] = [];

  /** The block of `node`'s collection (placed now if new; its children's blocks come later), or -1. */
  const blockOf = (node: Node | null): number => {
    const target = resolve(doc, node);
    if (!(isMap(target) || isSeq(target))) return -1;
    const known = blocks.get(target);
    if (known !== undefined) return known;
    const entries: [keyNode: Node | null, next: Node | null][] = [];
    if (isMap(target)) {
      const pairs = findablePairs(doc, target);
      for (const pair of pairs.values()) entries.push([pair.key as Node, (pair.value as Node | null) ?? (pair.key as Node)]);
      keys.push(...pairs.keys());
    } else {
      for (const item of (target as YAMLSeq).items as (Node | null)[]) entries.push([null, item]);
    }
    const block = reserve(2 + 3 * entries.length);
    blocks.set(target, block);
    nodes[block] = entries.length;
    nodes[block + 1] = isMap(target) ? keys.length - entries.length : -1;
    entries.forEach(([keyNode, next], i) => {
      const entry = block + 2 + 3 * i;
      nodes[entry] = keyNode?.range?.[0] ?? -1;
      nodes[entry + 1] = next?.range?.[0] ?? -1;
      nodes[entry + 2] = -1;
      if (next) pending.push([entry + 2, next]);
    });
    return block;
  };

  const contents = doc.contents as Node | null;
  const rootOffset = contents?.range?.[0] ?? 0;
  const rootBlock = blockOf(contents);
  for (let job = pending.pop(); job !== undefined; job = pending.pop()) {
    const child = blockOf(job[1]);
    nodes[job[0]] = child;
  }
  return { nodes: nodes.slice(0, used), keys, rootOffset, rootBlock };
}

/**
 * Offset of the deepest node on `path` that exists (the parent when a key is missing, as for a
 * "missing field" error). With `key`, the offset of the map key naming the last segment. A field a
 * merge key brought in is found where it is written: in the merged mapping (the anchor).
 */
export function offsetAt(positions: DocumentPositions, path: DataPath, key: boolean, index?: KeyIndex): number {
  const { nodes } = positions;
  let offset = positions.rootOffset;
  let block = positions.rootBlock;
  for (const [i, segment] of path.entries()) {
    if (block < 0) return offset;
    const count = nodes[block]!;
    const firstKey = nodes[block + 1]!;
    let at: number;
    if (firstKey >= 0) {
      at = (index ?? keyIndex(positions)).find(block, count, firstKey, String(segment));
      if (at < 0) return offset;
      if (key && i === path.length - 1) {
        const keyOffset = nodes[block + 2 + 3 * at]!;
        return keyOffset >= 0 ? keyOffset : offset;
      }
    } else {
      at = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      if (!(Number.isInteger(at) && at >= 0 && at < count)) return offset;
    }
    const entry = block + 2 + 3 * at;
    const valueOffset = nodes[entry + 1]!;
    if (valueOffset >= 0) offset = valueOffset;
    block = nodes[entry + 2]!;
  }
  return offset;
}

/** Finds a key among a mapping block's entries: a scan for small mappings, a lookup table built on first use for large ones. */
export interface KeyIndex {
  find(block: number, count: number, firstKey: number, key: string): number;
}

const SCANNED = 16;

export function keyIndex(positions: DocumentPositions): KeyIndex {
  const { keys } = positions;
  const tables = new Map<number, Map<string, number>>();
  return {
    find(block, count, firstKey, key) {
      if (count <= SCANNED) {
        for (let i = 0; i < count; i++) if (keys[firstKey + i] === key) return i;
        return -1;
      }
      let table = tables.get(block);
      if (!table) {
        table = new Map();
        for (let i = count - 1; i >= 0; i--) table.set(keys[firstKey + i]!, i);
        tables.set(block, table);
      }
      return table.get(key) ?? -1;
    },
  };
}

/**
 * The pairs `findPair` finds in `map`, by key: its own (the first of each key), then, for keys it
 * does not have, those of its merge keys' mappings, in their order (an own pair overrides a merged one).
 */
function findablePairs(doc: Document, map: YAMLMap, depth = 0, found = new Map<string, Pair>()): Map<string, Pair> {
  for (const p of map.items) {
    if (isPair(p) && isScalar(p.key) && typeof p.key.value !== 'symbol') {
      const key = String(p.key.value);
      if (!found.has(key)) found.set(key, p);
    }
  }
  if (depth > MAX_MERGE_DEPTH) return found;
  for (const p of map.items) {
    if (!(isPair(p) && isScalar(p.key) && typeof p.key.value === 'symbol')) continue; // `<<` with merge on
    const value = resolve(doc, p.value as Node | null);
    const sources = isSeq(value) ? value.items.map((item) => resolve(doc, item as Node | null)) : [value];
    for (const source of sources) if (isMap(source)) findablePairs(doc, source, depth + 1, found);
  }
  return found;
}

function resolve(doc: Document, node: Node | null): Node | null {
  // An alias stands for its anchor's node: follow it to walk the data it expands to.
  return node instanceof Alias ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}
