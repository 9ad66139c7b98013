import { SPECS } from './kinds/index.js';
import type { AnyResource } from './resource.js';
import { parentOf } from './scope.js';
import { State } from './state.js';

/**
 * The namespace that owns a live resource: a child belongs with its parent (a registration is its
 * application's), whatever label it carries itself; a top-level object by its own label. Undefined
 * for an unlabelled object.
 */
export function ownerOf(state: State, r: AnyResource): string | undefined {
  const parent = parentOf(r);
  const found = parent === undefined ? undefined : state.get(parent);
  return found ? ownerOf(state, found) : r.live?.owner;
}

/**
 * Whether a resource belongs to nobody (a kind owned by nobody, or a child of one: a team's members):
 * it is managed by whichever run declares it, and never deleted for being undeclared.
 */
export function ofNobody(state: State, r: AnyResource): boolean {
  if (SPECS[r.kind].ownership === 'none') return true;
  const parent = parentOf(r);
  const found = parent === undefined ? undefined : state.get(parent);
  return found !== undefined && ofNobody(state, found);
}

export interface NamespaceSlice {
  /** The resources owned by the namespace (and unlabelled ones when asked for). */
  state: State;
  /** How many resources each other namespace owns: left out. */
  otherNamespaces: Map<string, number>;
  /** How many unlabelled resources there are (kept or left out, as asked). */
  unowned: number;
}

/** The part of a live state that one namespace owns; unlabelled objects are kept when `includeUnowned`. */
export function sliceByOwner(live: State, namespace: string, includeUnowned: boolean): NamespaceSlice {
  const state = new State();
  const otherNamespaces = new Map<string, number>();
  let unowned = 0;
  for (const r of live.all()) {
    // Nobody owns the portal's settings, developers or teams: they go with every namespace (declaring them takes nothing over), and need no adopting.
    if (ofNobody(live, r)) {
      state.add(r);
      continue;
    }
    const owner = ownerOf(live, r);
    if (owner === undefined) unowned++;
    else if (owner !== namespace) otherNamespaces.set(owner, (otherNamespaces.get(owner) ?? 0) + 1);
    if (owner === namespace || (owner === undefined && includeUnowned)) state.add(r);
  }
  return { state, otherNamespaces, unowned };
}

/** The namespace most live objects carry (ties go to the first name in order), or undefined when none carries one. */
export function commonOwner(live: State): string | undefined {
  const counts = new Map<string, number>();
  for (const r of live.all()) {
    const owner = ownerOf(live, r);
    if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0]?.[0];
}
