import type { LifecycleOf } from '../model/kinds/index.js';
import type { AttrsByKind, Kind, Lifecycle } from '../model/kind.js';
import type { KeyFacts } from '../model/resource.js';

export type Labels = Record<string, string>;

/**
 * The attributes that a reference to an object with a composite key spreads over: held as one id, in
 * the reference's own field, by a backend (a registration's `product` and `version` are one version id,
 * in `version`). See references.ts.
 */
export interface SpreadFields {
  auth_strategy: never;
  portal_settings: never;
  product: never;
  product_version: never;
  developer: never;
  team: never;
  team_member: never;
  team_role: 'product';
  application: never;
  registration: 'product';
  credential: never;
}

/**
 * A kind's attributes as a backend holds them: every reference is the id of the object it names, in
 * the attribute that names it (`application`, `registration.auth_strategy`); labels are apart.
 */
export type IdAttrs<K extends Kind> = Omit<AttrsByKind[K], 'labels' | SpreadFields[K]>;

/** One live object of a kind, as its adapter lists it. */
export interface LiveObject<K extends Kind> {
  id: string;
  attrs: IdAttrs<K>;
  /** Every label it carries, the owner label included. */
  labels: Labels;
  protected: boolean;
  /** A credential's key facts (created, expires, status), where the portal lists them. */
  key?: KeyFacts;
}

/** What a create or an update writes: references already resolved to ids, labels with the owner label. */
export interface Write<K extends Kind> {
  attrs: IdAttrs<K>;
  labels: Labels;
  protected: boolean;
}

export interface Created {
  id: string;
  /** A secret the portal issued (a credential's key): shown once, never stored or logged. */
  secret?: string;
}

interface Lists<K extends Kind> {
  /** Every live object of the kind, whoever owns it. */
  list(): Promise<LiveObject<K>[]>;
}
interface CreatesAndDeletes<K extends Kind> {
  create(write: Write<K>): Promise<Created>;
  /** Deletes it, and whatever the portal deletes with it (children, registrations to a version). */
  delete(id: string): Promise<void>;
}
interface Updates<K extends Kind> {
  /** Brings the object to `write`: every attribute, its labels and its protection. */
  update(id: string, write: Write<K>): Promise<void>;
}

/**
 * A backend's handling of one kind, by lifecycle: full CRUD; create and delete only (its content never
 * changes; `protect` changes its protection where the backend can hold one); a singleton that is only
 * listed and updated.
 */
export type AdapterFor<K extends Kind, L extends Lifecycle> = L extends 'crud'
  ? Lists<K> & CreatesAndDeletes<K> & Updates<K>
  : L extends 'create-delete'
    ? Lists<K> & CreatesAndDeletes<K> & { update?: never; protect?(id: string, isProtected: boolean): Promise<void> }
    : Lists<K> & Updates<K> & { create?: never; delete?: never };

/** A backend's adapters, one per kind: a kind without one, or with the wrong operations, is a type error. */
export type Adapters = { [K in Kind]: AdapterFor<K, LifecycleOf[K]> };

/** An adapter of any lifecycle, as the generic layer drives it (it checks the lifecycle first). */
export interface AnyAdapter<K extends Kind = Kind> extends Lists<K> {
  create?(write: Write<K>): Promise<Created>;
  update?(id: string, write: Write<K>): Promise<void>;
  delete?(id: string): Promise<void>;
  protect?(id: string, isProtected: boolean): Promise<void>;
}
