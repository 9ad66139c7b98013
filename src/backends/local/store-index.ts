import type { StoreData } from './store-records.js';

/** Every table, the optional ones (portals, developers, teams) as if present. */
type Tables = Required<Omit<StoreData, 'format_version' | 'applied_commits'>>;
export type TableName = keyof Tables;
export type RecordOf<T extends TableName> = Tables[T][string];

export const TABLES = ['auth_strategies', 'products', 'product_versions', 'applications', 'registrations', 'credentials', 'portals', 'developers', 'teams'] as const satisfies readonly TableName[];

/** A table's records; an optional table that is absent is empty (and created on its first insert). */
export function tableOf<T extends TableName>(data: StoreData, table: T): Record<string, RecordOf<T>> {
  return ((data as Partial<Tables>)[table] ?? {}) as Record<string, RecordOf<T>>;
}

/**
 * The references between records: the child table, the parent table, and the child's parent id. A `cascade` reference is deleted with its
 * parent; any other keeps its parent in use (a strategy cannot be deleted while a record names it).
 */
const RELATIONS = {
  versionsOfProduct: { parent: 'products', table: 'product_versions', cascade: true, parentOf: (v: RecordOf<'product_versions'>) => v.product_id },
  registrationsOfVersion: { parent: 'product_versions', table: 'registrations', cascade: true, parentOf: (r: RecordOf<'registrations'>) => r.product_version_id },
  registrationsOfApplication: { parent: 'applications', table: 'registrations', cascade: true, parentOf: (r: RecordOf<'registrations'>) => r.application_id },
  credentialsOfApplication: { parent: 'applications', table: 'credentials', cascade: true, parentOf: (c: RecordOf<'credentials'>) => c.application_id },
  versionsOfStrategy: { parent: 'auth_strategies', table: 'product_versions', cascade: false, parentOf: (v: RecordOf<'product_versions'>) => v.registration.auth_strategy_id },
  applicationsOfStrategy: { parent: 'auth_strategies', table: 'applications', cascade: false, parentOf: (a: RecordOf<'applications'>) => a.auth_strategy_id },
  // The emulator's tables: a portal's default strategy keeps it in use (DECISION, MAPPING UNCLEAR-6);
  // deleting a developer deletes the applications they own (Konnect's documented cascade); a team
  // that owns applications is in use.
  portalsOfStrategy: { parent: 'auth_strategies', table: 'portals', cascade: false, parentOf: (p: RecordOf<'portals'>) => p.default_application_auth_strategy_id },
  developersOfPortal: { parent: 'portals', table: 'developers', cascade: true, parentOf: (d: RecordOf<'developers'>) => d.portal_id },
  teamsOfPortal: { parent: 'portals', table: 'teams', cascade: true, parentOf: (t: RecordOf<'teams'>) => t.portal_id },
  applicationsOfDeveloper: { parent: 'developers', table: 'applications', cascade: true, parentOf: (a: RecordOf<'applications'>) => (a.owner?.type === 'developer' ? a.owner_id : undefined) },
  applicationsOfTeam: { parent: 'teams', table: 'applications', cascade: false, parentOf: (a: RecordOf<'applications'>) => (a.owner?.type === 'team' ? a.owner_id : undefined) },
} as const;
export type Relation = keyof typeof RELATIONS;

/** A field's value as part of a key: a sealed value is an object (salted, so it never equals another). */
const part = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** What the portal keeps unique in each table: names, reference IDs, per parent. */
const UNIQUE_KEY: { [T in TableName]: (r: RecordOf<T>) => string } = {
  auth_strategies: (r) => part(r.name),
  products: (r) => part(r.name),
  product_versions: (r) => `${r.product_id}\n${part(r.name)}`,
  applications: (r) => part(r.reference_id),
  registrations: (r) => `${r.application_id}\n${r.product_version_id}`,
  credentials: (r) => `${r.application_id}\n${part(r.name)}`,
  portals: (r) => part(r.name),
  developers: (r) => `${r.portal_id}\n${r.email.toLowerCase()}`,
  teams: (r) => `${r.portal_id}\n${part(r.name)}`,
};

/**
 * The store's tables with their ids, unique keys and references indexed, so that a uniqueness check,
 * a cascade or an in-use check costs what it finds, not a scan of a table. Every write goes through
 * here to keep the index true; the tables are enumerated once, when it is built.
 */
export class StoreIndex {
  private readonly children = new Map<Relation, Map<string, Set<string>>>();
  private readonly ids = new Map<TableName, Set<string>>();
  private readonly byKey = new Map<TableName, Map<string, string>>();

  constructor(readonly data: StoreData) {
    for (const table of TABLES) {
      this.ids.set(table, new Set(Object.keys(tableOf(data, table))));
      const keys = new Map<string, string>();
      for (const [id, record] of Object.entries(tableOf(data, table))) keys.set(uniqueKey(table, record), id);
      this.byKey.set(table, keys);
    }
    for (const relation of Object.keys(RELATIONS) as Relation[]) {
      this.children.set(relation, new Map());
      for (const [id, record] of Object.entries(tableOf(data, RELATIONS[relation].table))) this.link(relation, id, record, true);
    }
  }

  /** The ids of a table's records, in the store's order. */
  idsOf(table: TableName): IterableIterator<string> {
    return this.ids.get(table)!.values();
  }

  has(table: TableName, id: string): boolean {
    return this.ids.get(table)!.has(id);
  }

  /** The id of the record that holds `record`'s unique key already, if another does. */
  holderOfKey<T extends TableName>(table: T, record: RecordOf<T>): string | undefined {
    return this.byKey.get(table)!.get(uniqueKey(table, record));
  }

  /** The ids of the records of `relation` that refer to `parentId` (a copy: safe to delete while walking). */
  childrenOf(relation: Relation, parentId: string): string[] {
    return [...(this.children.get(relation)!.get(parentId) ?? [])];
  }

  /** The relations whose records are deleted with a record of `table`, and those that keep one in use. */
  static relationsTo(table: TableName): { cascade: Relation[]; inUse: Relation[] } {
    return PARENT_RELATIONS[table];
  }

  /** The table whose records a relation's children are. */
  static childTable(relation: Relation): TableName {
    return RELATIONS[relation].table;
  }

  /** The records a record of `table` names: [their table, their id], for the ones it names. */
  static referencesOf(table: TableName, record: unknown): [TableName, string][] {
    return RELATIONS_OF[table].flatMap((relation) => {
      const parent = (RELATIONS[relation].parentOf as (r: unknown) => string | null | undefined)(record);
      return typeof parent === 'string' ? [[RELATIONS[relation].parent, parent] as [TableName, string]] : [];
    });
  }

  insert<T extends TableName>(table: T, id: string, record: RecordOf<T>): void {
    const records = ((this.data as Partial<Tables>)[table] ??= {} as never) as Record<string, RecordOf<T>>;
    records[id] = record;
    this.ids.get(table)!.add(id);
    this.byKey.get(table)!.set(uniqueKey(table, record), id);
    this.relink(table, id, record, true);
  }

  /** Changes fields of a record, its key and references included. */
  update<T extends TableName>(table: T, id: string, changes: Partial<RecordOf<T>>): void {
    const record = tableOf(this.data, table)[id]!;
    this.unindex(table, id, record);
    Object.assign(record, changes);
    this.byKey.get(table)!.set(uniqueKey(table, record), id);
    this.relink(table, id, record, true);
  }

  remove(table: TableName, id: string): void {
    const records = tableOf(this.data, table);
    const record = records[id];
    if (record === undefined) return;
    this.unindex(table, id, record);
    this.ids.get(table)!.delete(id);
    delete records[id];
  }

  private unindex(table: TableName, id: string, record: unknown): void {
    const keys = this.byKey.get(table)!;
    const key = uniqueKey(table, record);
    if (keys.get(key) === id) keys.delete(key);
    this.relink(table, id, record, false);
  }

  private relink(table: TableName, id: string, record: unknown, add: boolean): void {
    for (const relation of RELATIONS_OF[table]) this.link(relation, id, record, add);
  }

  private link(relation: Relation, id: string, record: unknown, add: boolean): void {
    const parent = (RELATIONS[relation].parentOf as (r: unknown) => string | null | undefined)(record);
    if (parent === null || parent === undefined) return;
    const byParent = this.children.get(relation)!;
    let ids = byParent.get(parent);
    if (add) {
      if (ids === undefined) byParent.set(parent, (ids = new Set()));
      ids.add(id);
    } else {
      ids?.delete(id);
      if (ids?.size === 0) byParent.delete(parent);
    }
  }
}

function uniqueKey(table: TableName, record: unknown): string {
  return (UNIQUE_KEY[table] as (r: unknown) => string)(record);
}

/** Per table, the relations whose records it holds (kept current on every write). */
const RELATIONS_OF = Object.fromEntries(
  TABLES.map((table) => [table, (Object.keys(RELATIONS) as Relation[]).filter((r) => RELATIONS[r].table === table)]),
) as Record<TableName, Relation[]>;

const PARENT_RELATIONS = Object.fromEntries(
  TABLES.map((table) => {
    const to = (Object.keys(RELATIONS) as Relation[]).filter((r) => RELATIONS[r].parent === table);
    return [table, { cascade: to.filter((r) => RELATIONS[r].cascade), inUse: to.filter((r) => !RELATIONS[r].cascade) }];
  }),
) as Record<TableName, { cascade: Relation[]; inUse: Relation[] }>;
