import type { Kind } from '../model/kind.js';
import { SPECS, TOP_LEVEL } from '../model/kinds/index.js';
import type { DataPath } from './parse.js';

/**
 * Whether a data path holds a value that names an object or refers to one (`products[0].versions[1].name`,
 * `applications[2].registrations[0].product`), or the namespace or portal: such values become
 * addresses and labels, which plans print, so they may not come from the environment.
 */
export function isIdentifyingPath(path: DataPath): boolean {
  if (path.length === 1) return path[0] === 'namespace' || path[0] === 'portal';
  const top = TOP_LEVEL.find((k) => SPECS[k].section === path[0]);
  if (top === undefined || !isIndex(path[1])) return false;
  let kind: Kind = top;
  let at = 2;
  for (;;) {
    const list = path[at];
    const child: { kind: Kind } | undefined = SPECS[kind].children.find((c) => c.list === list);
    if (child === undefined || !isIndex(path[at + 1])) break;
    kind = child.kind;
    at += 2;
  }
  // A list of keys declaring objects from the other side (a developer's teams): each item is a name.
  if (listedOn(kind, path[at]) && isIndex(path[at + 1]) && path.length === at + 2) return true;
  return SPECS[kind].identifyingFields.has(path.slice(at).join('.'));
}

function listedOn(kind: Kind, list: string | number | undefined): boolean {
  return Object.values(SPECS).some((spec) => spec.listedOn?.kind === kind && spec.listedOn.list === list);
}

function isIndex(segment: string | number | undefined): boolean {
  return typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment));
}
