import { createHash } from 'node:crypto';
import { replaceInPlace } from '../model/attr-paths.js';
import type { AnyResource } from '../model/resource.js';
import { isSealed, matchesSealed } from '../model/sealed.js';
import type { Change, FieldDiff } from '../types/plan.js';

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

/**
 * Equal values, at any depth; a sealed value equals the value it was sealed from wherever it sits
 * (a list item, a label, a field of an object in a list). Undefined fields count as absent.
 */
export function sameValue(desired: unknown, live: unknown): boolean {
  if (isSealed(live)) return isSealed(desired) ? desired.$sensitive === live.$sensitive : matchesSealed(desired, live);
  if (isSealed(desired)) return matchesSealed(live, desired);
  if (Array.isArray(desired) || Array.isArray(live)) {
    return Array.isArray(desired) && Array.isArray(live) && desired.length === live.length && desired.every((item, i) => sameValue(item, live[i]));
  }
  if (isRecord(desired) && isRecord(live)) {
    const a = definedKeys(desired);
    const b = definedKeys(live);
    return a.length === b.length && a.every((key) => Object.hasOwn(live, key) && sameValue(desired[key], live[key]));
  }
  // Equal scalars are equal without serialising them; unequal ones still compare as JSON (NaN as null).
  if (desired === live) return true;
  return canonicalJson(desired) === canonicalJson(live);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

/** A short, stable hash of a value (sha256, first 16 hex digits). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** A copy of `attrs` with the values at `secretPaths` (dot-separated), and any sealed value, shown as SENSITIVE. */
export function redactAttrs<T extends object>(attrs: T, secretPaths: readonly string[] | undefined): T {
  // Attributes that hold no secret are shown as they are: no copy.
  if (!secretPaths?.length && !holdsSealed(attrs)) return attrs;
  return replaceInPlace(unsealed(attrs) as T, secretPaths ?? [], () => SENSITIVE);
}

function holdsSealed(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSealed);
  for (const key in value) if (holdsSealed((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** A copy with every sealed value (a backend's salted hash) shown as SENSITIVE: hashes stay out of plans. */
function unsealed(value: unknown): unknown {
  if (isSealed(value)) return SENSITIVE;
  if (Array.isArray(value)) return value.map(unsealed);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsealed(v)]));
  return value;
}

/**
 * What a plan shows of a resource: its attributes with secrets redacted (its own secret positions,
 * `alsoSecret` ones, and every seal), and its protection.
 */
export function shownAttrs(r: AnyResource, alsoSecret: readonly string[] = []): Record<string, unknown> {
  return { ...redactAttrs(r.attrs, [...(r.secretAttrs ?? []), ...alsoSecret]), protected: r.protected };
}

/**
 * The fields a change shows, each as a field diff: an update's or replace's `diff`; every field of a
 * create's `after` or a delete's `before` (dot-separated paths, as flatten makes them), which the plan
 * does not repeat in a `diff` of its own.
 */
export function shownFields(change: Change): FieldDiff[] {
  if (change.action === 'update' || change.action === 'replace') return change.diff ?? [];
  const side = change.action === 'create' ? change.after : change.before;
  const fields = flatten((side ?? {}) as Record<string, unknown>) as Map<string, FieldDiff['after']>;
  return [...fields].map(([path, value]) => (change.action === 'create' ? { path, after: value } : { path, before: value }));
}

/**
 * Field-level differences of a desired resource from its live twin. Values are compared as they are
 * (seal-aware, at any depth) and shown as displayed: a field holding a secret anywhere shows
 * (sensitive) in that position only. The live side is redacted at the desired side's secret
 * positions too, in case a backend holds the old value in the clear. `unmanagedWhenAbsent` fields
 * are not compared when the desired resource leaves them out.
 */
export function fieldDiffs(want: AnyResource, have: AnyResource, unmanagedWhenAbsent: readonly string[] = []): FieldDiff[] {
  const wantAttrs = want.attrs as Record<string, unknown>;
  const ignored = new Set(unmanagedWhenAbsent.filter((field) => wantAttrs[field] === undefined));
  // Most objects of a large plan are unchanged: equal at the top level, nothing needs flattening.
  if (sameValue(want.protected, have.protected) && sameTopLevel(wantAttrs, have.attrs as Record<string, unknown>, ignored)) return [];
  const desired = flatten({ ...want.attrs, protected: want.protected });
  const actual = flatten({ ...have.attrs, protected: have.protected });
  const changed: string[] = [];
  for (const path of new Set([...desired.keys(), ...actual.keys()])) {
    if (ignored.has(path.split('.')[0]!)) continue;
    if (!sameValue(desired.get(path), actual.get(path))) changed.push(path);
  }
  if (changed.length === 0) return [];
  // The displayed values, only for an object that changed (most of a no-change plan's do not).
  const shownDesired = flatten(shownAttrs(want)) as Map<string, FieldDiff['after']>;
  const shownActual = flatten(shownAttrs(have, want.secretAttrs)) as Map<string, FieldDiff['before']>;
  return changed.map((path) => {
    const d: FieldDiff = { path };
    if (actual.has(path)) d.before = shownActual.get(path);
    if (desired.has(path)) d.after = shownDesired.get(path);
    return d;
  });
}

/**
 * Whether every top-level attribute but `ignored` is the same value on both sides. Equal values
 * flatten to equal paths, so then no path differs; unequal ones may still flatten alike (an empty
 * object and an absent one), which the path comparison decides.
 */
function sameTopLevel(desired: Record<string, unknown>, live: Record<string, unknown>, ignored: ReadonlySet<string>): boolean {
  const own = (record: Record<string, unknown>, key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
  for (const key of Object.keys(desired)) if (!ignored.has(key) && !sameValue(desired[key], own(live, key))) return false;
  for (const key of Object.keys(live)) if (!ignored.has(key) && !Object.hasOwn(desired, key) && live[key] !== undefined) return false;
  return true;
}
