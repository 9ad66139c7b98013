import { address, parentAddress, type Kind, type KindSpec } from './kind.js';
import { SPECS } from './kinds/index.js';
import type { AnyResource } from './resource.js';
import type { DesiredState } from './state.js';

/** The key of one child list of one parent, e.g. the versions of product.billing. */
export function childListKey(parent: string, kind: Kind): string {
  return `${parent}>${kind}`;
}

/** The address of a resource's parent, for kinds that live inside another. */
export function parentOf(r: AnyResource): string | undefined {
  return parentAddress(SPECS[r.kind] as KindSpec<Kind>, r.attrs as never);
}

/**
 * Whether a run manages a live object, so that it is deleted when this namespace owns it and the
 * config does not declare it: its section is present and, when its parent is declared, the parent
 * declares the list it belongs to, or the object listing it from the other side declares that list.
 * An absent list leaves that list alone, as an absent section does.
 */
export function manages(desired: DesiredState, r: AnyResource): boolean {
  if (listedFromOtherSide(desired, r)) return true;
  if (!desired.sections.has(SPECS[r.kind].section)) return false;
  const parent = parentOf(r);
  return parent === undefined || !desired.state.has(parent) || desired.lists.has(childListKey(parent, r.kind));
}

/** Whether the object that lists this kind from the other side (listedOn: a developer's teams) declares its list. */
export function listedFromOtherSide(desired: DesiredState, r: AnyResource): boolean {
  const on = SPECS[r.kind].listedOn;
  if (on === undefined) return false;
  const key = (r.attrs as Record<string, unknown>)[on.field];
  return typeof key === 'string' && desired.lists.has(childListKey(address(on.kind, key), r.kind));
}

/**
 * Whether a run deletes a live object it does not declare: managed, owned by the run's namespace
 * (a child by its parent's label) and not protected. References may resolve only to live objects it keeps.
 */
export function deletedWhenUndeclared(desired: DesiredState, r: AnyResource): boolean {
  return !r.protected && r.live?.owner === desired.namespace && manages(desired, r);
}
