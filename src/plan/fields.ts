import { createHash } from 'node:crypto';
import { replaceAtPaths } from '../model/attr-paths.js';
import { isSealed, matchesSealed } from '../model/sealed.js';

/** Shown instead of a value that came from the environment. */
export const SENSITIVE = '(sensitive)';

/**
 * Flattens attributes into dot-separated paths (`registration.auto_approve`, `labels.team`). Lists are
 * leaves, compared whole; undefined values are left out, so absent and unset compare equal.
 */
export function flatten(value: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isSealed(v)) flatten(v as Record<string, unknown>, path, out);
    else out.set(path, v);
  }
  return out;
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Equal values; a sealed live value equals the desired value it was sealed from. */
export function sameValue(desired: unknown, live: unknown): boolean {
  if (isSealed(live)) return isSealed(desired) ? desired.$sensitive === live.$sensitive : matchesSealed(desired, live);
  return canonicalJson(desired) === canonicalJson(live);
}

/** A short, stable hash of a value (sha256, first 16 hex digits). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** A copy of `attrs` with the values at `secretPaths` (dot-separated), and any sealed value, shown as SENSITIVE. */
export function redactAttrs<T extends object>(attrs: T, secretPaths: readonly string[] | undefined): T {
  return replaceAtPaths(unsealed(attrs) as T, secretPaths ?? [], () => SENSITIVE);
}

/** A copy with every sealed value (a backend's salted hash) shown as SENSITIVE: hashes stay out of plans. */
function unsealed(value: unknown): unknown {
  if (isSealed(value)) return SENSITIVE;
  if (Array.isArray(value)) return value.map(unsealed);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsealed(v)]));
  return value;
}
