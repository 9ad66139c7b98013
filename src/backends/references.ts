import { splitAddress, type AttrsByKind, type Kind, type Reference } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import type { IdAttrs } from './adapter.js';

/**
 * References to an object whose key has several fields: the attributes of the referring kind that
 * hold them, in the order of the target's key fields. Held as one id, in the reference's field.
 */
const SPREAD: { [K in Kind]: Partial<Record<string, readonly (keyof AttrsByKind[K] & string)[]>> } = {
  auth_strategy: {},
  product: {},
  product_version: {},
  application: {},
  // The version's key is [product, name]: a registration holds it as `product` and `version`
  // (SpreadFields, in adapter.ts, says the same to the compiler).
  registration: { version: ['product', 'version'] },
  credential: {},
};

/** The references of an object, by the field that holds each: its parent first. */
function referencesOf(kind: Kind, attrs: object): Reference[] {
  return SPECS[kind].references(attrs as never);
}

/**
 * The attributes as a backend holds them: each reference replaced by the id `idOf` gives its
 * address (spread fields folded into the reference's field), labels left out.
 */
export function toIdAttrs<K extends Kind>(kind: K, attrs: AttrsByKind[K], idOf: (address: string) => string): IdAttrs<K> {
  const copy = structuredClone(attrs) as Record<string, unknown>;
  delete copy.labels;
  for (const ref of referencesOf(kind, attrs)) {
    const spread = SPREAD[kind][ref.field];
    for (const field of spread ?? []) if (field !== ref.field) delete copy[field];
    setAt(copy, ref.field, idOf(ref.address));
  }
  return copy as IdAttrs<K>;
}

/**
 * The attributes of a live object from what its adapter listed: each reference id replaced by the
 * key of the object `byId` finds for it, spread over its fields in place (attribute order is kept).
 * Each reference sits in the field its kind's `references` names. Objects are copied only along the
 * paths it changes: a live state is read whole, every time.
 */
export function fromIdAttrs<K extends Kind>(kind: K, attrs: IdAttrs<K>, byId: (kind: Kind, id: string) => AnyResource): AttrsByKind[K] {
  let copy = attrs as Record<string, unknown>; // never changed: withAt and spliceTop copy
  // Run over id-holding attributes, a kind's `references` still names each reference's field and kind.
  for (const ref of referencesOf(kind, attrs)) {
    const path = ref.field.split('.');
    const id = getAt(copy, path);
    if (typeof id !== 'string') continue;
    const target = byId(splitAddress(ref.address)[0], id);
    const spread = SPREAD[kind][ref.field];
    if (spread === undefined) {
      copy = withAt(copy, path, target.key);
      continue;
    }
    const keyFields = SPECS[target.kind].keyFields as readonly string[];
    const values = Object.fromEntries(spread.map((field, i) => [field, (target.attrs as Record<string, unknown>)[keyFields[i]!]]));
    copy = spliceTop(copy, ref.field, values);
  }
  return copy as AttrsByKind[K];
}

/** Object `o` with its entry `key` replaced by `entries`, where `key` stood. */
function spliceTop(o: Record<string, unknown>, key: string, entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === key) Object.assign(out, entries);
    else if (!(k in entries)) out[k] = v;
  }
  return out;
}

function getAt(o: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = o;
  for (const step of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
  return node;
}

/** A copy of `o` with the value at `path` replaced, objects copied along the path only. */
function withAt(o: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [first, ...rest] = path as [string, ...string[]];
  return { ...o, [first]: rest.length === 0 ? value : withAt(o[first] as Record<string, unknown>, rest, value) };
}

/** Sets the value at a dot-separated path, creating the objects on the way. */
function setAt(o: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = o;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
