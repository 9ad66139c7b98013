import { KINDS, type Kind, type Section } from './kind.js';
import type { AnyResource, Resource } from './resource.js';

/**
 * An indexed set of resources, desired or live: lookup by address and listing by kind are O(1), so no
 * stage ever rescans a list per object.
 */
export class State {
  private readonly byAddress = new Map<string, AnyResource>();
  private readonly byKind = new Map<Kind, AnyResource[]>(KINDS.map((k) => [k, []]));
  /** Address → the ids of every live object under it, where the portal holds several (see duplicatesLeftAlone). */
  private readonly duplicated = new Map<string, string[]>();

  /** Adds a resource; returns the one already under that address instead when there is one. */
  add(resource: AnyResource): AnyResource | undefined {
    const existing = this.byAddress.get(resource.address);
    if (existing) return existing;
    this.byAddress.set(resource.address, resource);
    this.byKind.get(resource.kind)!.push(resource);
    return undefined;
  }

  /** Notes a second live object under an address already taken (by its id). */
  addDuplicate(address: string, id: string): void {
    const first = this.byAddress.get(address)?.live?.id;
    const ids = this.duplicated.get(address) ?? (first === undefined ? [] : [first]);
    this.duplicated.set(address, [...ids, id]);
  }

  /** The ids of the live objects under an address the portal holds more than once, else undefined. */
  duplicatesOf(address: string): readonly string[] | undefined {
    return this.duplicated.get(address);
  }

  get(address: string): AnyResource | undefined {
    return this.byAddress.get(address);
  }

  getOf<K extends Kind>(kind: K, key: string): Resource<K> | undefined {
    const found = this.byAddress.get(`${kind}.${key}`);
    return found as Resource<K> | undefined;
  }

  has(address: string): boolean {
    return this.byAddress.has(address);
  }

  ofKind<K extends Kind>(kind: K): readonly Resource<K>[] {
    return this.byKind.get(kind)! as unknown as Resource<K>[];
  }

  all(): IterableIterator<AnyResource> {
    return this.byAddress.values();
  }

  get size(): number {
    return this.byAddress.size;
  }

  /** Count per kind, in dependency order. */
  counts(): Record<Kind, number> {
    return Object.fromEntries(KINDS.map((k) => [k, this.byKind.get(k)!.length])) as Record<Kind, number>;
  }
}

/** The desired state: the resources of the config plus what the run manages and its ownership label. */
export interface DesiredState {
  state: State;
  namespace: string;
  portal?: string;
  /** Sections present in at least one file: only their kinds are managed (and may be deleted). */
  sections: ReadonlySet<Section>;
  /** Child lists (childListKey) that declared parents declare: only those lists are managed (and may delete). */
  lists: ReadonlySet<string>;
  files: readonly string[];
}
