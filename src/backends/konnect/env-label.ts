import type { HttpClient } from './http-client.js';
import { namespaceLabelKey, patchPortalLabel } from './namespace-label.js';

/**
 * That a namespace was applied from a config taking values from the environment, kept as one label
 * on the portal: Konnect keeps those values as sent, and nothing on the objects says which they are
 * (most kinds carry no labels; a v3 application's are create-only: MAPPING 1.4), so `dump` needs the
 * config to write them as `${{ env }}` templates. Key `portalctl-env.<namespace>` (hashed when too
 * long, as the applied commit's); value: how many values the config takes from the environment.
 */
const VALUE = /^[1-9][0-9]{0,8}$/;

export function envLabelKey(namespace: string): string {
  return namespaceLabelKey('portalctl-env', namespace);
}

/** How many values the namespace's applied config takes from the environment, as marked; 0: no mark (or one portalctl did not write). */
export function envValuesOn(portal: { labels?: Record<string, string> }, namespace: string): number {
  const value = portal.labels?.[envLabelKey(namespace)];
  return value !== undefined && VALUE.test(value) ? Number(value) : 0;
}

/**
 * Marks the namespace on the portal at `path` with `count` values from the environment, or removes
 * the mark (0), unless the portal already says so; returns the portal as updated, if it was.
 */
export async function writeEnvLabel<P extends { labels?: Record<string, string> }>(admin: HttpClient, path: string, namespace: string, count: number): Promise<P | undefined> {
  const portal = await admin.get<P>(path);
  const key = envLabelKey(namespace);
  const wanted = count > 0 ? String(count) : undefined;
  if (portal.labels?.[key] === wanted) return undefined;
  return patchPortalLabel(admin, path, portal, key, wanted ?? null);
}
