import { splitAddress, type AttrsByKind, type Kind, type KindSpec } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import { sealPaths } from '../model/sealed.js';
import type { State } from '../model/state.js';
import type { Adapters, AnyAdapter, Labels, Write } from './adapter.js';
import { BackendError, OWNER_LABEL, type CreateResult, type Transaction, type WriteContext } from './backend.js';
import { toIdAttrs } from './references.js';

export interface AdaptedOptions {
  /** The backend keeps what it is given (the local store): values from the environment are sealed first. */
  seal: boolean;
}

/**
 * The writes of one apply by address, over a backend's adapters, the same way for every backend:
 * addresses become ids (a missing one is a 404, as Konnect would answer), references are resolved to
 * ids, kinds owned by label get the run's owner label, and what a kind's lifecycle does not allow is
 * refused. The address → id map is built once from the live state and kept current by every write,
 * including what a delete takes with it: a write costs a lookup, not a listing.
 */
export class AdaptedTransaction implements Transaction {
  private readonly ids = new Map<string, string>();
  /** Address → the addresses whose objects a delete of it takes along (children, registrations to a version). */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(
    private readonly adapters: Adapters,
    live: State,
    private readonly options: AdaptedOptions,
  ) {
    for (const r of live.all()) this.remember(r, r.live!.id);
  }

  async create(input: AnyResource, ctx: WriteContext): Promise<CreateResult> {
    const spec = SPECS[input.kind] as KindSpec<Kind>;
    const adapter = this.adapter(input.kind);
    if (adapter.create === undefined) throw new BackendError(`a ${spec.noun} cannot be created; it always exists`, 400);
    const resource = this.sealed(input);
    const created = await adapter.create(this.write(resource, ctx));
    this.remember(resource, created.id);
    return created.secret === undefined ? {} : { secret: created.secret };
  }

  async update(input: AnyResource, ctx: WriteContext): Promise<void> {
    const spec = SPECS[input.kind] as KindSpec<Kind>;
    const adapter = this.adapter(input.kind);
    const id = this.idOf(input.address);
    if (adapter.update !== undefined) return adapter.update(id, this.write(this.sealed(input), ctx));
    // Its content never changes (a credential's key); only its protection may, where the backend keeps one.
    if (adapter.protect !== undefined) return adapter.protect(id, input.protected);
    throw new BackendError(`a ${spec.noun} cannot change in place; replace it`, 400);
  }

  async delete(addr: string): Promise<void> {
    const [kind] = splitAddress(addr);
    const adapter = this.adapter(kind);
    if (adapter.delete === undefined) throw new BackendError(`a ${SPECS[kind].noun} cannot be deleted; it always exists`, 400);
    await adapter.delete(this.idOf(addr));
    this.forget(addr);
  }

  private adapter(kind: Kind): AnyAdapter {
    return this.adapters[kind] as AnyAdapter;
  }

  private write(resource: AnyResource, ctx: WriteContext): Write<Kind> {
    const spec = SPECS[resource.kind] as KindSpec<Kind>;
    const attrs = toIdAttrs(resource.kind, resource.attrs as AttrsByKind[Kind], (addr) => this.idOf(addr));
    const labels: Labels =
      spec.ownership === 'label' ? { ...(resource.attrs as { labels?: Labels }).labels, [OWNER_LABEL]: ctx.namespace } : {};
    return { attrs, labels, protected: resource.protected };
  }

  /** The id of the live object at an address; a missing one is a 404, as Konnect would answer. */
  private idOf(addr: string): string {
    const id = this.ids.get(addr);
    if (id === undefined) {
      const [kind, key] = splitAddress(addr);
      throw new BackendError(`${SPECS[kind].noun} "${key}" does not exist`, 404);
    }
    return id;
  }

  private remember(r: AnyResource, id: string): void {
    this.ids.set(r.address, id);
    for (const ref of SPECS[r.kind].references(r.attrs as never)) {
      if (!ref.cascade) continue;
      let set = this.dependents.get(ref.address);
      if (set === undefined) this.dependents.set(ref.address, (set = new Set()));
      set.add(r.address);
    }
  }

  /** Drops an address and, as the portal does, every object deleted with it. */
  private forget(addr: string): void {
    this.ids.delete(addr);
    const taken = this.dependents.get(addr);
    this.dependents.delete(addr);
    for (const dependent of taken ?? []) if (this.ids.has(dependent)) this.forget(dependent);
  }

  /** The resource with its environment values sealed, for a backend that stores what it is given. */
  private sealed(resource: AnyResource): AnyResource {
    if (!this.options.seal || !resource.secretAttrs?.length) return resource;
    return { ...resource, attrs: sealPaths(resource.attrs, resource.secretAttrs) } as AnyResource;
  }
}
