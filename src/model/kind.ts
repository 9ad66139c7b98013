import type { Application, AuthStrategy, Credential, PortalctlConfig, PortalSettings, Product, ProductVersion, Registration } from '../types/config.js';
import type { Developer, Team, TeamMember, TeamRole } from '../types/config.js';
import type { Change } from '../types/plan.js';
import { everyMember, type ListKeys, type MappingKeys } from '../util/closed-set.js';
import { schemaDefaults } from './defaults.js';
import { valueAtPath } from './attr-paths.js';

/** The resource kinds, parents before children: the order creates run in (deletes run in reverse). Exactly the plan schema's kinds. */
export const KINDS = everyMember<Change['kind']>()(['auth_strategy', 'portal_settings', 'product', 'product_version', 'developer', 'team', 'team_member', 'team_role', 'application', 'registration', 'credential']);
export type Kind = (typeof KINDS)[number];

/** The top-level config sections (the config schema's lists, and the mappings of singletons). A kind is managed in a run only when its section is present. */
export type Section = ListKeys<PortalctlConfig> | MappingKeys<PortalctlConfig>;
export const SECTIONS = everyMember<Section>()(['auth_strategies', 'portal_settings', 'products', 'developers', 'teams', 'applications']);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The managed attributes of each kind: the config object without its child lists and without
 * `protected` (which guards deletion, not content), plus the keys of its parents.
 */
export interface AttrsByKind {
  auth_strategy: DistributiveOmit<AuthStrategy, 'protected'>;
  portal_settings: PortalSettings;
  product: Omit<Product, 'protected' | 'versions'>;
  product_version: Omit<ProductVersion, 'protected'> & { product: string };
  developer: Developer;
  team: Omit<Team, 'members' | 'roles'>;
  team_member: TeamMember & { team: string };
  team_role: TeamRole & { team: string };
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

/** How objects of a kind live in a portal: fully managed, made and removed only, or one that always exists. */
export type Lifecycle = 'crud' | 'create-delete' | 'singleton';

/**
 * Who owns a live object: the namespace of its own owner label, its parent's, or nobody (a singleton;
 * developers and teams, which carry no labels in Konnect): an object of nobody is updated when
 * declared and never deleted for being undeclared.
 */
export type Ownership = 'label' | 'parent' | 'none';

/** Where a kind is declared in the config: a top-level section, or a list under each object of a parent kind. */
export type Placement<K extends Kind = Kind> =
  | { section: Section }
  | {
      parent: Kind;
      /** The parent's list that declares it (`versions`). */
      list: string;
      /** Its attribute holding the parent's key (`product`): filled from the parent it is declared under. */
      parentField: keyof AttrsByKind[K] & string;
    };

/**
 * A reference to another kind: the attributes (dot paths) whose values, in order, make the target's
 * key. Absent when any of them is absent.
 */
export interface RefDefinition {
  kind: Kind;
  fields: readonly string[];
  /** Deleting the target deletes this object with it (Konnect cascades). */
  cascade?: boolean;
}

/** Everything about a kind that does not depend on a stage: what a kind module declares. */
export interface KindDefinition<K extends Kind> {
  kind: K;
  /** Singular noun for messages ("product version"). */
  noun: string;
  place: Placement<K>;
  lifecycle: Lifecycle;
  ownership: Ownership;
  /** The attributes that identify an object, in order: its key is their values joined by `/`. */
  keyFields: readonly (keyof AttrsByKind[K] & string)[];
  /** The other kinds it refers to, besides its parent (which every child refers to, with cascade). */
  refs?: readonly RefDefinition[];
  /** Attributes the config may leave out to mean "not managed" (a registration's status). */
  unmanagedWhenAbsent?: readonly string[];
  /** Creating one issues a secret that is shown once and never stored (a credential's key). */
  issuesSecret?: boolean;
  /** Attributes no backend can change in place: changing one plans a replace (delete, then create). */
  replacedOn?: readonly string[];
  /**
   * The portal does not keep its key unique (Konnect's team names): two live objects under one key
   * are reported and neither is touched.
   */
  duplicatesLeftAlone?: boolean;
  /** The schema definition (schemas/portalctl.schema.json) that describes it: its defaults come from there. */
  definition: string;
  /** A singleton's one key (it has no key fields): its address is `<kind>.<fixedKey>`. */
  fixedKey?: string;
  /** Attributes (dot paths) whose own config position checks may point at (`registration.enabled`): kept in Resource.fieldSources. */
  locatedFields?: readonly string[];
  /**
   * A second place it is declared from: a list of keys on each object of another kind (a developer's
   * `teams`, each name a membership). `field` takes the listing object's key, `itemField` each item.
   * Such a list is the listing object's whole truth, as a parent's list is the parent's.
   */
  listedOn?: { kind: Kind; list: string; field: keyof AttrsByKind[K] & string; itemField: keyof AttrsByKind[K] & string };
  /** Defaults the schema can state only in words (a display name that defaults to the name). */
  derivedDefaults?(attrs: AttrsByKind[K]): Partial<AttrsByKind[K]>;
}

/** A kind as the stages use it: its definition, with what follows from it. */
export interface KindSpec<K extends Kind> extends KindDefinition<K> {
  /** Its top-level config section: its own, or its parent's. */
  section: Section;
  /** The kind it lives inside: deleting the parent deletes it (Konnect cascades). */
  parent?: Kind;
  /** The parent's list that declares it. Absent from a declared parent, the list is not managed in that run; `[]` means none. */
  list?: string;
  key(attrs: AttrsByKind[K]): string;
  /** Every resource this one needs to exist: its parent first, then the others. */
  references(attrs: AttrsByKind[K]): Reference[];
  /** The address of its parent (the first of its references), for a kind that lives inside another. */
  parentAddress(attrs: AttrsByKind[K]): string | undefined;
  /** The references as declared (its parent's first): which attributes hold each target's key. */
  refDefinitions: readonly RefDefinition[];
  /** The config fields that name it or refer to others (they make up addresses), as dot paths. */
  identifyingFields: ReadonlySet<string>;
  /** The kinds declared in lists under it, and those lists' names. */
  children: readonly { kind: Kind; list: string }[];
  /** The attributes with the schema's defaults filled in, so that absent and default compare equal. */
  withDefaults(attrs: AttrsByKind[K]): AttrsByKind[K];
}

/** What completing a kind needs to know of the others. */
export interface Neighbours {
  /** A kind's top-level section (a parent is completed before its children). */
  sectionOf(kind: Kind): Section;
  /** The kinds declared in lists under this kind (`versions`): those lists are not attributes of its own. */
  children: readonly { kind: Kind; list: string }[];
}

/** The key made of key-field values: with splitKey, the one place the `a/b` key format is written. */
export function joinKey(values: readonly string[]): string {
  return values.join('/');
}

/** The key-field values of a key (`billing/v1` → [billing, v1]). */
export function splitKey(key: string): string[] {
  return key.split('/');
}

export function address(kind: Kind, key: string): string {
  return `${kind}.${key}`;
}

/** Completes a kind module's definition with what follows from it and from its neighbours. */
export function completeKind<K extends Kind>(def: KindDefinition<K>, neighbours: Neighbours): KindSpec<K> {
  const place = def.place;
  const parentRef: RefDefinition[] = 'parent' in place ? [{ kind: place.parent, fields: [place.parentField], cascade: true }] : [];
  const refs = [...parentRef, ...(def.refs ?? [])];
  const notAttributes = ['protected', ...neighbours.children.map((c) => c.list)];
  const parentField = 'parent' in place ? place.parentField : undefined;
  // Called for every object at every stage (tens of thousands of times): each reference is read by a
  // function made once per kind.
  const compiled = refs.map(referenceReader);
  // Made on first use: the schema is read when a first object needs its defaults.
  let fillDefaults: (<T extends object>(value: T) => T) | undefined;
  return {
    ...def,
    section: 'section' in place ? place.section : neighbours.sectionOf(place.parent),
    ...('parent' in place && { parent: place.parent, list: place.list }),
    children: neighbours.children,
    refDefinitions: refs,
    key: (a) => keyOf(def, a),
    references: (a) => {
      const out: Reference[] = [];
      for (const ref of compiled) {
        const found = ref(a);
        if (found !== undefined) out.push(found);
      }
      return out;
    },
    parentAddress: (a) => (parentRef.length === 0 ? undefined : compiled[0]!(a)?.address),
    // The parent's key is not written in the config: the parent it is declared under gives it.
    identifyingFields: new Set([...def.keyFields, ...refs.flatMap((r) => r.fields)].filter((f) => f !== parentField)),
    withDefaults: (a) => {
      fillDefaults ??= schemaDefaults(def.definition, notAttributes);
      const filled = fillDefaults(a);
      return { ...def.derivedDefaults?.(filled), ...filled };
    },
  };
}

/** Reads one reference of an object's attributes: undefined when a field it needs is absent. */
function referenceReader(ref: RefDefinition): (attrs: object) => Reference | undefined {
  const field = ref.fields[ref.fields.length - 1]!;
  return (attrs) => {
    let key = '';
    for (let i = 0; i < ref.fields.length; i++) {
      const value = valueAtPath(attrs, ref.fields[i]!);
      // null is "none" (a portal without a default strategy), not a key.
      if (value === undefined || value === null) return undefined;
      key = i === 0 ? String(value) : joinKey([key, String(value)]);
    }
    return ref.cascade ? { address: address(ref.kind, key), field, cascade: true } : { address: address(ref.kind, key), field };
  };
}

function keyOf<K extends Kind>(def: KindDefinition<K>, attrs: AttrsByKind[K]): string {
  if (def.fixedKey !== undefined) return def.fixedKey;
  return joinKey(def.keyFields.map((f) => String(attrs[f])));
}

/** The address of `attrs`' parent, for a kind that lives inside another, else undefined. */
export function parentAddress<K extends Kind>(spec: KindSpec<K>, attrs: AttrsByKind[K]): string | undefined {
  return spec.parent === undefined ? undefined : spec.parentAddress(attrs)!;
}

/** The kind and key of an address: `registration.app/billing/v1` → [registration, app/billing/v1]. */
export function splitAddress(addr: string): [Kind, string] {
  const dot = addr.indexOf('.');
  return [addr.slice(0, dot) as Kind, addr.slice(dot + 1)];
}
