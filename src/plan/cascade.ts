import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import type { State } from '../model/state.js';

/** Why an object must stay: the object, and what about it (`is protected`). */
export interface Keeper {
  address: string;
  reason: string;
}

/**
 * What deleting a live object takes with it. Konnect deletes a parent's children and a version's
 * registrations along with it (references marked `cascade`), so a plan must name them, count them,
 * and not delete a parent whose delete would take an object the plan keeps.
 */
export class Cascades {
  /** Address → the live objects deleted along with it (one level). */
  private readonly dependents = new Map<string, AnyResource[]>();
  private readonly keepers = new Map<string, Keeper | null>();

  /** `ownKeeper` says why one object must stay by itself (protected, declared, not owned), if it must. */
  constructor(
    live: State,
    private readonly ownKeeper: (r: AnyResource) => Keeper | undefined,
  ) {
    for (const r of live.all()) {
      for (const ref of SPECS[r.kind].references(r.attrs as never)) {
        if (!ref.cascade) continue;
        const list = this.dependents.get(ref.address);
        if (list) list.push(r);
        else this.dependents.set(ref.address, [r]);
      }
    }
  }

  /** The object that stops `r` from being deleted: `r` itself, or one its delete would take. */
  keeper(r: AnyResource): Keeper | undefined {
    const known = this.keepers.get(r.address);
    if (known !== undefined) return known ?? undefined;
    let found = this.ownKeeper(r);
    for (const d of this.dependents.get(r.address) ?? []) {
      if (found) break;
      found = this.keeper(d);
    }
    this.keepers.set(r.address, found ?? null);
    return found;
  }

  /** Everything deleting `r` takes with it, except objects `planned` as deletes of their own (and what they take). */
  takenWith(r: AnyResource, planned: (address: string) => boolean): AnyResource[] {
    const taken: AnyResource[] = [];
    const seen = new Set<string>();
    const visit = (parent: AnyResource) => {
      for (const d of this.dependents.get(parent.address) ?? []) {
        if (planned(d.address) || seen.has(d.address)) continue;
        seen.add(d.address);
        taken.push(d);
        visit(d);
      }
    };
    visit(r);
    return taken.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
}
