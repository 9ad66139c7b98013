import type { AppliedRecord } from '../backend.js';
import type { HttpClient } from './http-client.js';
import { namespaceLabelKey, patchPortalLabel } from './namespace-label.js';

/**
 * The commit a namespace was last applied from, kept as one label on the portal (MAPPING 1.4: keys
 * and values at most 63 characters, values letters, digits, '-', '.', '_', starting and ending with a
 * letter or digit). Key `portalctl-commit.<namespace>`, or `portalctl-commit-h.<hash>` when that
 * would be too long; value `<commit>[-dirty].<YYYYMMDDTHHMMSSZ>`: the commit's first 40 characters
 * (all of a SHA-1 id), which leaves exactly room for the marker and the time.
 */
const VALUE = /^([0-9a-f]{7,40})(-dirty)?(?:\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z)?$/;

export function appliedLabelKey(namespace: string): string {
  return namespaceLabelKey('portalctl-commit', namespace);
}

export function appliedLabelValue(record: AppliedRecord): string {
  const time = record.at === undefined ? '' : `.${record.at.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '')}`;
  return `${record.commit.slice(0, 40)}${record.dirty ? '-dirty' : ''}${time}`;
}

/** The record a label value holds; undefined for a value portalctl did not write. */
export function parseAppliedLabel(value: string | undefined): AppliedRecord | undefined {
  const match = value === undefined ? null : VALUE.exec(value);
  if (match === null) return undefined;
  const [, commit, dirty, year, month, day, hour, minute, second] = match;
  const record: AppliedRecord = { commit: commit!, dirty: dirty !== undefined };
  if (year !== undefined) record.at = `${year}-${month}-${day}T${hour}:${minute}:${second}Z`;
  return record;
}

/** The record of a namespace on a portal as read (resolving the portal reads its labels). */
export function appliedOn(portal: { labels?: Record<string, string> }, namespace: string): AppliedRecord | undefined {
  return parseAppliedLabel(portal.labels?.[appliedLabelKey(namespace)]);
}

/**
 * Sets the namespace's label on the portal at `path` (patchPortalLabel), unless it already names
 * this commit; returns the portal as updated, if it was.
 */
export async function writeAppliedLabel<P extends { labels?: Record<string, string> }>(admin: HttpClient, path: string, namespace: string, record: AppliedRecord): Promise<P | undefined> {
  const portal = await admin.get<P>(path);
  const now = appliedOn(portal, namespace);
  if (now !== undefined && now.commit === record.commit.slice(0, 40) && now.dirty === record.dirty) return undefined;
  return patchPortalLabel(admin, path, portal, appliedLabelKey(namespace), appliedLabelValue(record));
}
