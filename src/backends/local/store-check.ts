import { isSealed } from '../../model/sealed.js';
import type { StoreData } from './store-records.js';

/**
 * The problems of a parsed state file that the backend would trip over: a table that is not an object
 * of records, a record that is not an object or lacks a field the backend reads, a reference to a
 * record that does not exist, two records under one key. Each is one line naming the record
 * (`registrations.<id>: application_id "x" does not exist`). An absent table is an empty one.
 */
export function storeProblems(data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const tables: Tables = {};
  for (const table of TABLE_NAMES) {
    const value = data[table];
    if (value === undefined) tables[table] = {};
    else if (isObject(value)) tables[table] = value;
    else problems.push(`${table}: must be an object of records by id, not ${describe(value)}`);
  }
  for (const table of TABLE_NAMES) {
    const keys = new Map<string, string>();
    const fields = Object.entries(FIELDS[table]); // once per table, not per record
    for (const [id, record] of Object.entries(tables[table] ?? {})) {
      // Named only in a problem: most records have none, and 40,000 names cost a third of the check.
      const problem = (text: string) => problems.push(`${table}.${printable(id)}: ${text}`);
      if (!isObject(record)) {
        problem(`must be an object, not ${describe(record)}`);
        continue;
      }
      const before = problems.length;
      for (const [field, check] of fields) {
        const wrong = check(record[field], tables);
        if (wrong !== undefined) problem(wrong.startsWith('.') ? `${field}${wrong}` : `${field} ${wrong}`);
      }
      if (problems.length > before) continue;
      // The key the backend enforces as unique (names and reference IDs, per parent).
      const key = KEY[table](record);
      const other = keys.get(key);
      if (other !== undefined) problem(`same ${KEY_NOUN[table]} as ${table}.${printable(other)}`);
      else keys.set(key, id);
    }
  }
  problems.push(...appliedCommitProblems(data.applied_commits));
  return problems;
}

/** `applied_commits`: namespace → the commit it was last applied from, as a complete apply records it. */
function appliedCommitProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (!isObject(value)) return [`applied_commits: must be an object of records by namespace, not ${describe(value)}`];
  const problems: string[] = [];
  for (const [namespace, record] of Object.entries(value)) {
    const at = `applied_commits.${printable(namespace)}`;
    if (!isObject(record)) {
      problems.push(`${at}: must be an object, not ${describe(record)}`);
      continue;
    }
    for (const [field, check] of Object.entries(APPLIED_FIELDS)) {
      const wrong = check(record[field], {});
      if (wrong !== undefined) problems.push(`${at}: ${field} ${wrong}`);
    }
  }
  return problems;
}

const TABLE_NAMES = ['auth_strategies', 'products', 'product_versions', 'applications', 'registrations', 'credentials', 'portals', 'developers', 'teams'] as const satisfies readonly (keyof StoreData)[];
type TableName = (typeof TABLE_NAMES)[number];
/** The tables by name; one that is not an object is left out (reported once, not per reference into it). */
type Tables = Partial<Record<TableName, Record<string, unknown>>>;
/** Returns what is wrong with a field's value ("must be a string"), or undefined when it is fine. */
type Check = (value: unknown, tables: Tables) => string | undefined;

// A string a config may take from the environment is stored sealed (a hash object) in its place.
const string: Check = (v) => (typeof v === 'string' || isSealed(v) ? undefined : `must be a string, not ${describe(v)}`);
const optional =
  (check: Check): Check =>
  (v, t) =>
    v === undefined ? undefined : check(v, t);
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, not ${describe(v)}`);
const roles: Check = (v) =>
  Array.isArray(v) && v.every((r) => isObject(r) && ['id', 'role_name', 'entity_id', 'entity_type_name', 'entity_region'].every((f) => typeof r[f] === 'string'))
    ? undefined
    : `must be a list of role assignments ({id, role_name, entity_id, entity_type_name, entity_region}), not ${describe(v)}`;
const list: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `must be a list of ids, not ${describe(v)}`);
const object: Check = (v) => (isObject(v) ? undefined : `must be an object, not ${describe(v)}`);
const labels: Check = (v) => {
  if (!isObject(v)) return `must be an object, not ${describe(v)}`;
  const wrong = Object.entries(v).find(([, x]) => string(x, {}) !== undefined);
  return wrong && `.${printable(wrong[0])} must be a string, not ${describe(wrong[1])}`;
};
const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    (typeof v === 'string' && allowed.includes(v)) || isSealed(v) ? undefined : `must be one of ${allowed.join(', ')}, not ${describe(v)}`;
const ref =
  (table: TableName): Check =>
  (v, tables) => {
    if (typeof v !== 'string') return `must be the id of one of ${table}, not ${describe(v)}`;
    const target = tables[table];
    return target === undefined || (Object.hasOwn(target, v) && isObject(target[v])) ? undefined : `${describe(v)} does not exist in ${table}`;
  };
const nullable =
  (check: Check): Check =>
  (v, t) =>
    v === null || v === undefined ? undefined : check(v, t);
const registration: Check = (v, t) => {
  if (!isObject(v)) return `must be an object, not ${describe(v)}`;
  const r = v as Record<string, unknown>;
  for (const [field, check] of [['enabled', boolean], ['auto_approve', boolean], ['auth_strategy_id', nullable(ref('auth_strategies'))]] as const) {
    const wrong = check(r[field], t);
    if (wrong !== undefined) return `.${field} ${wrong}`; // "registration.enabled must be …"
  }
  return undefined;
};

const common = { labels: optional(labels), protected: optional(boolean) };

/** The fields of each table the backend reads, and what they must hold. */
const FIELDS: Record<TableName, Record<string, Check>> = {
  auth_strategies: { name: string, display_name: optional(string), type: oneOf('key_auth', 'openid_connect'), config: optional(object), ...common },
  products: { name: string, description: optional(string), portal_ids: optional(list), public_labels: optional(labels), ...common },
  product_versions: {
    product_id: ref('products'),
    name: string,
    description: optional(string),
    publish_status: optional(oneOf('published', 'unpublished')),
    visibility: optional(oneOf('public', 'private')),
    deprecated: optional(boolean),
    registration,
    slug: optional(string),
    portal_product_version_id: optional(string),
    ...common,
  },
  applications: {
    reference_id: string,
    name: string,
    description: optional(string),
    owner: nullable(object),
    owner_id: optional(string),
    auth_strategy_id: nullable(ref('auth_strategies')),
    ...common,
  },
  registrations: { application_id: ref('applications'), product_version_id: ref('product_versions'), status: oneOf('approved', 'pending', 'rejected', 'revoked'), ...common },
  credentials: { application_id: ref('applications'), name: string, key_hash: optional(string), expires_at: optional(string), ...common },
  // The emulator's optional tables.
  portals: {
    name: string,
    auto_approve_applications: boolean,
    default_application_auth_strategy_id: nullable(ref('auth_strategies')),
    authentication_enabled: boolean,
    is_public: optional(boolean),
    rbac_enabled: optional(boolean),
    auto_approve_developers: optional(boolean),
    default_api_visibility: optional(oneOf('public', 'private')),
    labels: optional(labels),
  },
  developers: {
    portal_id: ref('portals'),
    email: string,
    full_name: string,
    status: oneOf('approved', 'pending', 'revoked', 'rejected'),
    password_hash: nullable(string),
  },
  teams: { portal_id: ref('portals'), name: string, description: optional(string), can_own_applications: optional(boolean), members: optional(list), roles: optional(roles) },
};

const APPLIED_FIELDS: Record<string, Check> = {
  commit: (v) => (typeof v === 'string' && /^[0-9a-f]{7,64}$/.test(v) ? undefined : `must be a commit id (7 to 64 hexadecimal digits), not ${describe(v)}`),
  dirty: boolean,
  at: (v) => (typeof v === 'string' ? undefined : `must be a string, not ${describe(v)}`),
};

/** A field's value as part of a key: a sealed value is salted, so it never equals another. */
const part = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const KEY: Record<TableName, (r: Record<string, unknown>) => string> = {
  auth_strategies: (r) => part(r.name),
  products: (r) => part(r.name),
  product_versions: (r) => `${part(r.product_id)}\n${part(r.name)}`,
  applications: (r) => part(r.reference_id),
  registrations: (r) => `${part(r.application_id)}\n${part(r.product_version_id)}`,
  credentials: (r) => `${part(r.application_id)}\n${part(r.name)}`,
  portals: (r) => part(r.name),
  developers: (r) => `${part(r.portal_id)}\n${part(r.email).toLowerCase()}`,
  teams: (r) => `${part(r.portal_id)}\n${part(r.name)}`,
};
const KEY_NOUN: Record<TableName, string> = {
  auth_strategies: 'name',
  products: 'name',
  product_versions: 'product and name',
  applications: 'reference_id',
  registrations: 'application and product version',
  credentials: 'application and name',
  portals: 'name',
  developers: 'portal and email',
  teams: 'portal and name',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: short, quoted, control characters escaped. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${printable(value)}"`;
  return String(value);
}

function printable(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 60 ? `${escaped.slice(0, 57)}...` : escaped;
}
