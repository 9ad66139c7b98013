import type { StoreData } from './store.js';

type TableName = Exclude<keyof StoreData, 'format_version'>;
type RecordOf<T extends TableName> = StoreData[T][string];

/** The references between records that cascades and in-use checks follow, child table → parent id. */
const RELATIONS = {
  versionsOfProduct: { table: 'product_versions', parentOf: (v: RecordOf<'product_versions'>) => v.product_id },
  registrationsOfVersion: { table: 'registrations', parentOf: (r: RecordOf<'registrations'>) => r.product_version_id },
  registrationsOfApplication: { table: 'registrations', parentOf: (r: RecordOf<'registrations'>) => r.application_id },
  credentialsOfApplication: { table: 'credentials', parentOf: (c: RecordOf<'credentials'>) => c.application_id },
  versionsOfStrategy: { table: 'product_versions', parentOf: (v: RecordOf<'product_versions'>) => v.registration.auth_strategy_id },
  applicationsOfStrategy: { table: 'applications', parentOf: (a: RecordOf<'applications'>) => a.auth_strategy_id },
} as const;
export type Relation = keyof typeof RELATIONS;

/**
 * The store's tables with their references indexed by parent id, so that a cascade or an in-use
 * check costs what it finds, not a scan of a table. Every write goes through here to keep the index
 * true; the tables are enumerated once, when it is built.
 */
export class StoreIndex {
  private readonly children = new Map<Relation, Map<string, Set<string>>>();

  constructor(readonly data: StoreData) {
    for (const relation of Object.keys(RELATIONS) as Relation[]) {
      this.children.set(relation, new Map());
      for (const [id, record] of Object.entries(data[RELATIONS[relation].table])) this.link(relation, id, record, true);
    }
  }

  /** The ids of the records of `relation` that refer to `parentId` (a copy: safe to delete while walking). */
  childrenOf(relation: Relation, parentId: string): string[] {
    return [...(this.children.get(relation)!.get(parentId) ?? [])];
  }

  insert<T extends TableName>(table: T, id: string, record: RecordOf<T>): void {
    (this.data[table] as Record<string, RecordOf<T>>)[id] = record;
    this.relink(table, id, record, true);
  }

  /** Changes fields of a record, its references included. */
  update<T extends TableName>(table: T, id: string, changes: Partial<RecordOf<T>>): void {
    const record = this.data[table][id] as RecordOf<T>;
    this.relink(table, id, record, false);
    Object.assign(record, changes);
    this.relink(table, id, record, true);
  }

  remove(table: TableName, id: string): void {
    const record = this.data[table][id];
    if (record === undefined) return;
    this.relink(table, id, record, false);
    delete this.data[table][id];
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

const RELATIONS_OF = Object.fromEntries(
  (['auth_strategies', 'products', 'product_versions', 'applications', 'registrations', 'credentials'] as const).map((table) => [
    table,
    (Object.keys(RELATIONS) as Relation[]).filter((r) => RELATIONS[r].table === table),
  ]),
) as Record<TableName, Relation[]>;
