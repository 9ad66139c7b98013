import type { AttrsByKind, Kind, KindSpec } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import type { Capabilities, FieldPath } from './backend.js';

/**
 * The fields a backend cannot hold that `resource` sets to something other than its kind's default
 * (a default is what the backend reads back for a field it does not hold: see withUnheldDefaults).
 */
export function unheldFields(resource: AnyResource, capabilities: Capabilities | undefined): FieldPath[] {
  const paths = capabilities?.unsupported?.[resource.kind] ?? [];
  const spec = SPECS[resource.kind] as KindSpec<Kind>;
  return paths.filter((path) => {
    // `protected` is the resource's, not an attribute: only `true` needs a place to be kept.
    if (path === 'protected') return resource.protected;
    const value = valueAt(resource.attrs, path);
    if (value === undefined) return false;
    const fallback = valueAt(spec.withDefaults(without(resource.attrs, path) as AttrsByKind[Kind]), path);
    return JSON.stringify(value) !== JSON.stringify(fallback);
  });
}

/** Live attributes with the fields the backend cannot hold read as their defaults, so that they never show as drift. */
export function withUnheldDefaults<K extends Kind>(kind: K, attrs: AttrsByKind[K], capabilities: Capabilities | undefined): AttrsByKind[K] {
  const paths = (capabilities?.unsupported?.[kind] ?? []).filter((path) => path !== 'protected');
  if (paths.length === 0) return attrs;
  const filled = (SPECS[kind] as KindSpec<Kind>).withDefaults(attrs as AttrsByKind[Kind]);
  let out = attrs as Record<string, unknown>;
  for (const path of paths) {
    const value = valueAt(filled, path);
    if (valueAt(attrs, path) === undefined && value !== undefined) out = withValue(out, path.split('.'), value);
  }
  return out as AttrsByKind[K];
}

function valueAt(attrs: object, path: FieldPath): unknown {
  let node: unknown = attrs;
  for (const step of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
  return node;
}

function without(attrs: object, path: FieldPath): object {
  const [first, ...rest] = path.split('.') as [string, ...string[]];
  const { [first]: inner, ...others } = attrs as Record<string, unknown>;
  if (rest.length === 0 || inner === null || typeof inner !== 'object') return others;
  return { ...others, [first]: without(inner, rest.join('.')) };
}

function withValue(o: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [first, ...rest] = path as [string, ...string[]];
  const inner = (o[first] ?? {}) as Record<string, unknown>;
  return { ...o, [first]: rest.length === 0 ? value : withValue(inner, rest, value) };
}
