// What the reliability proofs check of a portal after a run, on the store both the local backend and
// the emulator keep (StoreData): objects that are not the run's are untouched, no application is
// duplicated, no key is lost.
import { readFile } from 'node:fs/promises';
import { hashKey } from '../../src/backends/local/engine.js';
import type { StoreData } from '../../src/backends/local/store.js';

/** The tables of portal objects (not the portal itself, its developers or the applied commits). */
const OBJECT_TABLES = ['auth_strategies', 'products', 'product_versions', 'applications', 'registrations', 'credentials', 'teams'] as const;

export const NAMESPACE_LABEL = 'portalctl-namespace';
export const REFERENCE_LABEL = 'portalctl-reference-id';

/** Every object record, as `table/id` → its JSON: taken before a run, compared after it. */
export function snapshot(data: StoreData): Map<string, string> {
  const out = new Map<string, string>();
  for (const table of OBJECT_TABLES) {
    for (const [id, record] of Object.entries((data[table] ?? {}) as Record<string, unknown>)) out.set(`${table}/${id}`, JSON.stringify(record));
  }
  return out;
}

/** The records of `before` that are gone or changed in `data` (empty: all untouched). */
export function touched(before: Map<string, string>, data: StoreData): string[] {
  const now = snapshot(data);
  return [...before].filter(([at, json]) => now.get(at) !== json).map(([at]) => `${at} ${now.has(at) ? 'changed' : 'deleted'}`);
}

/** Reference IDs that more than one application carries (v3 keeps it in a label). */
export function duplicateApplications(data: StoreData): string[] {
  const seen = new Map<string, number>();
  for (const app of Object.values(data.applications)) {
    const ref = app.labels?.[REFERENCE_LABEL] ?? app.reference_id;
    seen.set(ref, (seen.get(ref) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([ref]) => ref);
}

/** The keys in a credentials file ({} when there is none). */
export async function keysIn(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => (cause.code === 'ENOENT' ? '{}' : Promise.reject(cause)));
  return JSON.parse(text) as Record<string, string>;
}

/**
 * Credentials of `applications` (ids; all when absent) whose key is not in the credentials file:
 * lost keys. The store keeps a key's sha256, the file the key.
 */
export async function lostKeys(data: StoreData, file: string, applications?: ReadonlySet<string>): Promise<string[]> {
  const hashes = new Set(Object.values(await keysIn(file)).map(hashKey));
  return Object.entries(data.credentials)
    .filter(([, c]) => applications === undefined || applications.has(c.application_id))
    .filter(([, c]) => !hashes.has(c.key_hash))
    .map(([id, c]) => `credential ${id} (${c.name}) of application ${c.application_id}`);
}

/** Ids of the applications a namespace owns: labelled with it, or (classic) the session developer's. */
export function applicationsOf(data: StoreData, namespace: string, developerId?: string): Set<string> {
  return new Set(
    Object.entries(data.applications)
      .filter(([, a]) => a.labels?.[NAMESPACE_LABEL] === namespace || (developerId !== undefined && a.owner_id === developerId))
      .map(([id]) => id),
  );
}

/** Removes the namespace label of every object `namespace` owns: they become objects nobody owns. */
export function disown(data: StoreData, namespace: string): number {
  let n = 0;
  for (const table of OBJECT_TABLES) {
    for (const record of Object.values((data[table] ?? {}) as Record<string, { labels?: Record<string, string> }>)) {
      if (record.labels?.[NAMESPACE_LABEL] === namespace) {
        delete record.labels[NAMESPACE_LABEL];
        n++;
      }
    }
  }
  return n;
}

/** A small config of another namespace: objects the properties' runs must never touch. */
export function foreignConfig(namespace: string, prefix: string, { credentials = true } = {}): string {
  return `namespace: ${namespace}
auth_strategies: [{ name: ${prefix}-keys, type: key_auth }]
products:
  - name: ${prefix}-shop
    labels: { team: ${prefix} }
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: ${prefix}-keys, auto_approve: false } }]
applications:
  - reference_id: ${prefix}-app
    name: App ${prefix}
    auth_strategy: ${prefix}-keys
    registrations: [{ product: ${prefix}-shop, version: v1, status: approved }]
${credentials ? `    credentials: [{ name: ci }]\n` : ''}`;
}
