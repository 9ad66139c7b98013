import type { AttrsByKind, Kind } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import type { IdAttrs } from './adapter.js';

/**
 * The attributes as a backend holds them: each reference replaced by the id `idOf` gives its
 * address. A reference whose target key has several fields (a registration's product and version)
 * is held as one id, in its last field; the others are left out. Labels are apart.
 */
export function toIdAttrs<K extends Kind>(kind: K, attrs: AttrsByKind[K], idOf: (address: string) => string): IdAttrs<K> {
  // Copied only along the paths it changes (setAt): the rest is shared, never changed.
  const copy = { ...attrs } as Record<string, unknown>;
  delete copy.labels;
  for (const ref of SPECS[kind].references(attrs)) {
    const definition = SPECS[kind].refDefinitions.find((d) => d.fields[d.fields.length - 1] === ref.field)!;
    for (const field of definition.fields.slice(0, -1)) delete copy[field];
    setAt(copy, ref.field, idOf(ref.address));
  }
  return copy as IdAttrs<K>;
}

/**
 * The attributes of a live object from what its adapter listed: each reference id (in the last field
 * of its definition) replaced by the key of the object `byId` finds for it, spread back over its
 * fields in place (attribute order is kept). Objects are copied only along the paths it changes: a
 * live state is read whole, every time.
 */
export function fromIdAttrs<K extends Kind>(kind: K, attrs: IdAttrs<K>, byId: (kind: Kind, id: string) => AnyResource): AttrsByKind[K] {
  let copy = attrs as Record<string, unknown>; // never changed: withAt and spliceTop copy
  for (const definition of SPECS[kind].refDefinitions) {
    const field = definition.fields[definition.fields.length - 1]!;
    const path = field.split('.');
    const id = getAt(copy, path);
    if (typeof id !== 'string') continue;
    const target = byId(definition.kind, id);
    if (definition.fields.length === 1) {
      copy = withAt(copy, path, target.key);
      continue;
    }
    const keyFields = SPECS[target.kind].keyFields as readonly string[];
    const values = Object.fromEntries(definition.fields.map((f, i) => [f, (target.attrs as Record<string, unknown>)[keyFields[i]!]]));
    copy = spliceTop(copy, field, values);
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

/** Sets the value at a dot-separated path, copying (or creating) the objects on the way. */
function setAt(o: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = o;
  for (const part of parts.slice(0, -1)) {
    node[part] = node[part] === null || typeof node[part] !== 'object' ? {} : { ...(node[part] as Record<string, unknown>) };
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
