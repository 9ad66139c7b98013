import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BackendError } from '../backend.js';
import { StoreIndex, type RecordOf, type Relation, type TableName } from './store-index.js';
import type { StoreData, StoredCredential, StoredRegistration } from './store-records.js';

/** What a create is given: the record without what the portal decides (a registration's default status, a credential's key). */
export type Draft<T extends TableName> = T extends 'credentials'
  ? Omit<StoredCredential, 'key_hash' | 'created_at'>
  : T extends 'registrations'
    ? Omit<StoredRegistration, 'status'> & { status?: StoredRegistration['status'] }
    : RecordOf<T>;

export interface Inserted {
  id: string;
  /** A credential's key: returned once, kept only as a hash. */
  secret?: string;
}

/**
 * Konnect's rules over records by id, on the store's data: generated ids, unique names and reference
 * IDs (per parent), registration status from the version's auto-approve, no registration to a version
 * whose registration is disabled, an auth strategy's type fixed for life, credentials generated once
 * and kept only as a hash, cascading deletes, no deleting a strategy in use. It knows nothing of
 * portalctl's addresses, namespaces or model: the local backend's adapters and the emulator both
 * drive it. Every check is an index lookup.
 */
export class LocalEngine {
  /** Whether any write landed since it was opened (the store needs saving). */
  changed = false;
  private indexed?: StoreIndex;

  /** `readOnly`: only listed, so the indexes that writes need are built on first use instead of now. */
  constructor(
    readonly data: StoreData,
    { readOnly = false } = {},
  ) {
    if (!readOnly) this.indexed = new StoreIndex(data);
  }

  /** Every record of a table, with its id, in the store's order. */
  list<T extends TableName>(table: T): [string, RecordOf<T>][] {
    if (this.indexed === undefined) return Object.entries(this.data[table]) as [string, RecordOf<T>][];
    return [...this.indexed.idsOf(table)].map((id) => [id, this.data[table][id] as RecordOf<T>]);
  }

  private get index(): StoreIndex {
    return (this.indexed ??= new StoreIndex(this.data));
  }

  get<T extends TableName>(table: T, id: string): RecordOf<T> {
    if (!this.index.has(table, id)) throw new BackendError(`${NOUN[table]} ${id} does not exist`, 404);
    return this.data[table][id] as RecordOf<T>;
  }

  create<T extends TableName>(table: T, draft: Draft<T>): Inserted {
    let record = draft as unknown as RecordOf<T>;
    let secret: string | undefined;
    this.checkReferences(table, record);
    if (table === 'registrations') {
      const r = draft as Draft<'registrations'>;
      const version = this.get('product_versions', r.product_version_id);
      if (!version.registration.enabled) throw new BackendError(`registration is disabled on ${this.versionName(r.product_version_id)}`, 400);
      const status = r.status ?? (version.registration.auto_approve ? 'approved' : 'pending');
      record = { application_id: r.application_id, product_version_id: r.product_version_id, status, protected: r.protected } as RecordOf<T>;
    }
    if (this.index.holderOfKey(table, record) !== undefined) throw new BackendError(this.conflict(table, record), 409);
    if (table === 'credentials') {
      secret = randomBytes(24).toString('base64url');
      const { protected: isProtected, ...rest } = draft as Draft<'credentials'>;
      record = { ...rest, key_hash: hashKey(secret), created_at: new Date().toISOString(), protected: isProtected } as RecordOf<T>;
    }
    const id = randomUUID();
    this.index.insert(table, id, record);
    this.changed = true;
    return secret === undefined ? { id } : { id, secret };
  }

  update<T extends TableName>(table: T, id: string, changes: Partial<RecordOf<T>>): void {
    const current = this.get(table, id);
    const next = { ...current, ...changes } as RecordOf<T>;
    if (table === 'auth_strategies') {
      const [was, now] = [current as RecordOf<'auth_strategies'>, next as RecordOf<'auth_strategies'>];
      if (was.type !== now.type) throw new BackendError(`auth strategy "${String(was.name)}" is ${was.type}; its type cannot change (delete it and create it again)`, 400);
    }
    if (table === 'credentials' && (next as StoredCredential).key_hash !== (current as StoredCredential).key_hash) {
      throw new BackendError('a credential key cannot change; create another credential', 400);
    }
    this.checkReferences(table, next);
    const holder = this.index.holderOfKey(table, next);
    if (holder !== undefined && holder !== id) throw new BackendError(this.conflict(table, next), 409);
    this.index.update(table, id, changes);
    this.changed = true;
  }

  /** Deletes a record and what is deleted with it; refused while another record keeps it in use. */
  delete(table: TableName, id: string): void {
    this.get(table, id);
    const { cascade, inUse } = StoreIndex.relationsTo(table);
    const users = inUse.flatMap((relation) => this.index.childrenOf(relation, id).map((child) => this.describe(relation, child)));
    if (users.length > 0) throw new BackendError(`${NOUN[table]} is in use by ${users.join(', ')}`, 409);
    this.remove(table, id, cascade);
    this.changed = true;
  }

  private remove(table: TableName, id: string, cascade: readonly Relation[]): void {
    for (const relation of cascade) {
      const childTable = StoreIndex.childTable(relation);
      for (const child of this.index.childrenOf(relation, id)) this.remove(childTable, child, StoreIndex.relationsTo(childTable).cascade);
    }
    this.index.remove(table, id);
  }

  /** Refuses a record that names a record that does not exist. */
  private checkReferences<T extends TableName>(table: T, record: RecordOf<T>): void {
    for (const [target, id] of StoreIndex.referencesOf(table, record)) this.get(target, id);
  }

  private conflict<T extends TableName>(table: T, record: RecordOf<T>): string {
    const r = record as unknown as Record<string, unknown>;
    switch (table) {
      case 'auth_strategies':
        return `auth strategy "${String(r.name)}" already exists`;
      case 'products':
        return `product "${String(r.name)}" already exists`;
      case 'product_versions':
        return `version "${String(r.name)}" of product "${String(this.get('products', r.product_id as string).name)}" already exists`;
      case 'applications':
        return `an application with reference ID "${String(r.reference_id)}" already exists`;
      case 'registrations':
        return `application "${String(this.get('applications', r.application_id as string).reference_id)}" is already registered to ${this.versionName(r.product_version_id as string)}`;
      default:
        return `credential "${String(r.name)}" of "${String(this.get('applications', r.application_id as string).reference_id)}" already exists`;
    }
  }

  /** A record that keeps another in use, for a message: `version billing/v1`, `application mobile-banking`. */
  private describe(relation: Relation, id: string): string {
    return StoreIndex.childTable(relation) === 'applications' ? `application ${String(this.data.applications[id]!.reference_id)}` : `version ${this.versionName(id)}`;
  }

  private versionName(id: string): string {
    const version = this.get('product_versions', id);
    return `${String(this.get('products', version.product_id).name)}/${String(version.name)}`;
  }
}

/** sha256 of a credential's key, as Konnect keeps it. */
export function hashKey(key: string): string {
  return 'sha256:' + createHash('sha256').update(key).digest('hex');
}

const NOUN: Record<TableName, string> = {
  auth_strategies: 'auth strategy',
  products: 'product',
  product_versions: 'product version',
  applications: 'application',
  registrations: 'registration',
  credentials: 'credential',
};
