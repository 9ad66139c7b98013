import { address, KINDS, type AttrsByKind, type Kind, type KindSpec } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import { State } from '../model/state.js';
import type { AnyAdapter, Adapters, LiveObject } from './adapter.js';
import { BackendError, OWNER_LABEL, type Capabilities } from './backend.js';
import { withUnheldDefaults } from './capabilities.js';
import { fromIdAttrs } from './references.js';

/**
 * The live state from a backend's adapters, the same way for every backend: each object under its
 * address (key fields per its kind), references as keys, its owner from its own owner label (kinds
 * owned by label) or its parent's (kinds owned with their parent), its other labels as attributes.
 * Kinds are listed parents first, so every reference finds its object. Fields the backend cannot
 * hold read as their defaults.
 */
export async function readLive(adapters: Adapters, capabilities?: Capabilities): Promise<State> {
  const state = new State();
  const byId = new Map<Kind, Map<string, AnyResource>>();
  const find = (kind: Kind, id: string): AnyResource => {
    const found = byId.get(kind)?.get(id);
    if (found === undefined) throw new BackendError(`the portal lists a reference to ${SPECS[kind].noun} ${id}, which it does not list`, 500);
    return found;
  };
  for (const kind of KINDS) {
    const ofKind = new Map<string, AnyResource>();
    byId.set(kind, ofKind);
    for (const object of await (adapters[kind] as AnyAdapter).list()) {
      const resource = toResource(kind, object as LiveObject<Kind>, find, capabilities);
      ofKind.set(object.id, resource);
      // Two live objects under one address (a portal that does not keep that key unique): the first is
      // the one managed, unless the kind says neither may be touched.
      if (state.add(resource) !== undefined && SPECS[kind].duplicatesLeftAlone) state.addDuplicate(resource.address, object.id);
    }
  }
  return state;
}

function toResource(
  kind: Kind,
  object: LiveObject<Kind>,
  find: (kind: Kind, id: string) => AnyResource,
  capabilities: Capabilities | undefined,
): AnyResource {
  const spec = SPECS[kind] as KindSpec<Kind>;
  let attrs = withUnheldDefaults(kind, fromIdAttrs(kind, object.attrs, find) as AttrsByKind[Kind], capabilities);
  let owner: string | undefined;
  if (spec.ownership === 'label') {
    const { [OWNER_LABEL]: label, ...labels } = object.labels;
    attrs = { ...attrs, labels } as AttrsByKind[Kind];
    owner = label;
  } else if (spec.ownership === 'parent' && 'parent' in spec.place) {
    // The parent's id sits in the field that names it.
    const parentId = (object.attrs as Record<string, unknown>)[spec.place.parentField];
    owner = typeof parentId === 'string' ? find(spec.place.parent, parentId).live?.owner : undefined;
  }
  const key = spec.key(attrs);
  return {
    kind,
    key,
    address: address(kind, key),
    attrs,
    protected: object.protected,
    live: { id: object.id, ...(owner !== undefined && { owner }), ...(object.key !== undefined && { key: object.key }) },
  } as AnyResource;
}
