import { createHash } from 'node:crypto';
import type { HttpClient } from './http-client.js';

/** MAPPING 1.4: label keys and values are at most 63 characters. */
const MAX = 63;

/**
 * The key of a label portalctl keeps on the portal for one namespace: `<prefix>.<namespace>`, or
 * `<prefix>-h.<hash of the namespace>` when that would be longer than a key may be.
 */
export function namespaceLabelKey(prefix: string, namespace: string): string {
  const key = `${prefix}.${namespace}`;
  return key.length <= MAX ? key : `${prefix}-h.${createHash('sha256').update(namespace).digest('hex').slice(0, 32)}`;
}

/**
 * Sets one label of the portal at `path` (v3 or classic: both take `labels` on their update-portal)
 * to `value`, or removes it (null), on the portal as read just before: the PATCH carries every label
 * it has, and null for the one removed (MAPPING 1.4 DECISION: the same result whether Konnect
 * merges labels or replaces them). Returns the portal as updated.
 */
export function patchPortalLabel<P extends { labels?: Record<string, string> }>(admin: HttpClient, path: string, portal: P, key: string, value: string | null): Promise<P> {
  const { [key]: _previous, ...others } = portal.labels ?? {};
  return admin.patch<P>(path, { labels: { ...others, [key]: value } });
}
