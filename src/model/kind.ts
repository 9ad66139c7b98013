import type { Application, AuthStrategy, Credential, Product, ProductVersion, Registration } from '../types/config.js';

/** The resource kinds, parents before children: the order creates run in (deletes run in reverse). */
export const KINDS = ['auth_strategy', 'product', 'product_version', 'application', 'registration', 'credential'] as const;
export type Kind = (typeof KINDS)[number];

/** The top-level config sections. A kind is managed in a run only when its section is present. */
export type Section = 'auth_strategies' | 'products' | 'applications';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The managed attributes of each kind: the config object without its child lists and without
 * `protected` (which guards deletion, not content), plus the keys of its parents.
 */
export interface AttrsByKind {
  auth_strategy: DistributiveOmit<AuthStrategy, 'protected'>;
  product: Omit<Product, 'protected' | 'versions'>;
  product_version: Omit<ProductVersion, 'protected'> & { product: string };
  application: Omit<Application, 'protected' | 'registrations' | 'credentials'>;
  registration: Omit<Registration, 'protected'> & { application: string };
  credential: Omit<Credential, 'protected'> & { application: string };
}

/** A reference from one resource to another, by address; `field` names the attribute that holds it. */
export interface Reference {
  address: string;
  field: string;
  /** Deleting the referenced object deletes this one with it (Konnect cascades): a parent, a registration's version. */
  cascade?: boolean;
}

/** What portalctl knows about one kind: its section, its key, what it refers to, its defaults. */
export interface KindSpec<K extends Kind> {
  kind: K;
  /** Singular noun for messages ("product version"). */
  noun: string;
  section: Section;
  /** The kind this one lives inside: deleting the parent deletes it (Konnect cascades). */
  parent?: Kind;
  /**
   * The key of the list under the parent that declares this kind (`versions`). Absent from a declared
   * parent, the list is not managed in that run; `[]` means none.
   */
  list?: string;
  /** Attributes no backend can change in place: changing one plans a replace (delete, then create). */
  replacedOn?: readonly string[];
  key(attrs: AttrsByKind[K]): string;
  /** Every resource this one needs to exist: its parent first, then other references. */
  references(attrs: AttrsByKind[K]): Reference[];
  /** The attributes with the documented defaults filled in, so that absent and default compare equal. */
  withDefaults(attrs: AttrsByKind[K]): AttrsByKind[K];
}

export function address(kind: Kind, key: string): string {
  return `${kind}.${key}`;
}

/** The address of `attrs`' parent, for a kind that lives inside another, else undefined. */
export function parentAddress<K extends Kind>(spec: KindSpec<K>, attrs: AttrsByKind[K]): string | undefined {
  return spec.parent === undefined ? undefined : spec.references(attrs).find((ref) => ref.address.startsWith(`${spec.parent}.`))?.address;
}

/** The kind and key of an address: `registration.app/billing/v1` → [registration, app/billing/v1]. */
export function splitAddress(addr: string): [Kind, string] {
  const dot = addr.indexOf('.');
  return [addr.slice(0, dot) as Kind, addr.slice(dot + 1)];
}
