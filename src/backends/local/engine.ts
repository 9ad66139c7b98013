import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { MAX_CREDENTIALS_PER_APPLICATION } from '../../model/kinds/credential.js';
import { now } from '../../model/clock.js';
import { BackendError } from '../backend.js';
import { StoreIndex, tableOf, type RecordOf, type Relation, type TableName } from './store-index.js';
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
 *
 * The optional tables (portals, developers, teams) add what the emulator needs: the portal's
 * auto-approve joins the version's (effective = version ∨ portal, MAPPING M7), an application's
 * owner by id must exist (and a team must be allowed to own applications), at most 20 credentials
 * per application, a credential expires after its strategy's ttl.
 */
export class LocalEngine {
  /** Whether any write landed since it was opened (the store needs saving). */
  changed = false;
  private indexed?: StoreIndex;

  /** `readOnly`: only listed, so the indexes that writes need are built on first use instead of now. */
  private readonly stamp: boolean;

  /** `stamp`: records get created_at/updated_at (the emulator's wire needs them; the local backend's records stay as they were). */
  constructor(
    readonly data: StoreData,
    { readOnly = false, stamp = false } = {},
  ) {
    this.stamp = stamp;
    if (!readOnly) this.indexed = new StoreIndex(data);
  }

  has(table: TableName, id: string): boolean {
    return this.index.has(table, id);
  }

  /** Every record of a table, with its id, in the store's order. */
  list<T extends TableName>(table: T): [string, RecordOf<T>][] {
    const records = tableOf(this.data, table);
    if (this.indexed === undefined) return Object.entries(records);
    return [...this.indexed.idsOf(table)].map((id) => [id, records[id]!]);
  }

  /** The records of `table` that refer to `parentId` through `relation` (an application's registrations), with their ids: an index lookup, not a scan. */
  childrenOf<T extends TableName>(table: T, relation: Relation, parentId: string): [string, RecordOf<T>][] {
    if (StoreIndex.childTable(relation) !== table) throw new Error(`${relation} relates records of ${StoreIndex.childTable(relation)}, not ${table}`);
    const records = tableOf(this.data, table);
    return this.index.childrenOf(relation, parentId).map((id) => [id, records[id]!]);
  }

  /** The id of the record that holds `record`'s unique key (a name, a reference ID, per parent), if one does. */
  holderOfKey<T extends TableName>(table: T, record: RecordOf<T>): string | undefined {
    return this.index.holderOfKey(table, record);
  }

  private get index(): StoreIndex {
    return (this.indexed ??= new StoreIndex(this.data));
  }

  get<T extends TableName>(table: T, id: string): RecordOf<T> {
    if (!this.index.has(table, id)) throw new BackendError(`${NOUN[table]} ${id} does not exist`, 404);
    return tableOf(this.data, table)[id]!;
  }

  create<T extends TableName>(table: T, draft: Draft<T>): Inserted {
    let record = draft as unknown as RecordOf<T>;
    let secret: string | undefined;
    this.checkReferences(table, record);
    if (table === 'registrations') {
      const r = draft as Draft<'registrations'>;
      const version = this.get('product_versions', r.product_version_id);
      if (!version.registration.enabled) throw new BackendError(`registration is disabled on ${this.versionName(r.product_version_id)}`, 400);
      const status = r.status ?? (version.registration.auto_approve || this.portalAutoApproves() ? 'approved' : 'pending');
      record = { ...r, status } as RecordOf<T>;
    }
    if (table === 'applications') this.checkOwner(record as RecordOf<'applications'>);
    if (this.index.holderOfKey(table, record) !== undefined) throw new BackendError(this.conflict(table, record), 409);
    if (table === 'credentials') {
      const { protected: isProtected, ...rest } = draft as Draft<'credentials'>;
      if (this.index.childrenOf('credentialsOfApplication', rest.application_id).length >= MAX_CREDENTIALS_PER_APPLICATION) {
        throw new BackendError(`Maximum number of Credentials exceeded. Max Allowed: ${MAX_CREDENTIALS_PER_APPLICATION}`, 403);
      }
      secret = randomBytes(24).toString('base64url');
      const created = now();
      const expires = this.expiry(rest.application_id, created);
      record = { ...rest, key_hash: hashKey(secret), created_at: created.toISOString(), ...(expires && { expires_at: expires }), protected: isProtected } as RecordOf<T>;
    } else if (this.stamp) {
      const now = new Date().toISOString();
      record = { ...record, created_at: now, updated_at: now };
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
    if (table === 'applications') this.checkOwner(next as RecordOf<'applications'>);
    const holder = this.index.holderOfKey(table, next);
    if (holder !== undefined && holder !== id) throw new BackendError(this.conflict(table, next), 409);
    this.index.update(table, id, this.stamp && table !== 'credentials' ? { ...changes, updated_at: new Date().toISOString() } : changes);
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

  /** The portal's auto-approve of applications (no portal record: off). */
  portalAutoApproves(): boolean {
    return this.list('portals').some(([, p]) => p.auto_approve_applications);
  }

  /** Whether a developer may act on an application as its owner: they own it, or belong to the team that does. */
  canManage(developerId: string, applicationId: string): boolean {
    const app = this.get('applications', applicationId);
    if (app.owner_id === undefined) return false;
    if (app.owner?.type === 'developer') return app.owner_id === developerId;
    return this.has('teams', app.owner_id) && (this.get('teams', app.owner_id).members ?? []).includes(developerId);
  }

  /** An owner by id must be a developer or team (one that may own applications), named as the record says. */
  private checkOwner(app: RecordOf<'applications'>): void {
    if (app.owner_id === undefined || app.owner === null) return;
    if (app.owner.type === 'developer') {
      if (!this.has('developers', app.owner_id)) throw new BackendError(`developer ${app.owner_id} does not exist`, 400);
      return;
    }
    if (!this.has('teams', app.owner_id)) throw new BackendError(`team ${app.owner_id} does not exist`, 400);
    if (this.get('teams', app.owner_id).can_own_applications !== true) throw new BackendError(`team "${this.get('teams', app.owner_id).name}" may not own applications`, 400);
  }

  /** When a new credential of an application expires: its strategy's ttl after `created`. */
  private expiry(applicationId: string, created: Date): string | undefined {
    const strategyId = this.get('applications', applicationId).auth_strategy_id;
    if (strategyId === null || strategyId === undefined || !this.has('auth_strategies', strategyId)) return undefined;
    const ttl = this.get('auth_strategies', strategyId).config.ttl as { value?: unknown; unit?: unknown } | undefined;
    if (typeof ttl?.value !== 'number' || typeof ttl.unit !== 'string') return undefined;
    const at = new Date(created);
    if (ttl.unit === 'days') at.setUTCDate(at.getUTCDate() + ttl.value);
    else if (ttl.unit === 'weeks') at.setUTCDate(at.getUTCDate() + 7 * ttl.value);
    else if (ttl.unit === 'years') at.setUTCFullYear(at.getUTCFullYear() + ttl.value);
    else return undefined;
    return at.toISOString();
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
      case 'portals':
        return `portal "${String(r.name)}" already exists`;
      case 'developers':
        return 'Developer with the given email already exists';
      case 'teams':
        return `team "${String(r.name)}" already exists`;
      default:
        return `credential "${String(r.name)}" of "${String(this.get('applications', r.application_id as string).reference_id)}" already exists`;
    }
  }

  /** A record that keeps another in use, for a message: `version billing/v1`, `application mobile-banking`. */
  private describe(relation: Relation, id: string): string {
    const table = StoreIndex.childTable(relation);
    if (table === 'applications') return `application ${String(this.data.applications[id]!.reference_id)}`;
    if (table === 'portals') return `portal ${String(this.get('portals', id).name)} (its default strategy)`;
    return `version ${this.versionName(id)}`;
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
  portals: 'portal',
  developers: 'developer',
  teams: 'team',
};

/** A developer's password as stored: scrypt with a random salt. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('base64url')}:${scryptSync(password, salt, 32).toString('base64url')}`;
}

export function passwordMatches(password: string, stored: string | null): boolean {
  const [scheme, salt, hash] = (stored ?? '').split(':');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return expected.length > 0 && timingSafeEqual(actual, expected);
}
