import type { AnyResource } from '../../model/resource.js';
import type { DesiredState } from '../../model/state.js';

/** A Konnect label value (MAPPING 1.4): what a reference ID kept in a label must be. */
export const LABEL_VALUE = /^[a-z0-9A-Z]([a-z0-9A-Z._-]*[a-z0-9A-Z])?$/;

/** Konnect's 50 labels per object, less the ones portalctl may add (namespace, protection, and on v3 the reference ID): MAPPING M15. */
export const MAX_USER_LABELS = 50 - 3;

/** The declared objects with more labels than Konnect keeps once portalctl's own are added, and how many they have. */
export function overLabelLimit(desired: DesiredState): Array<{ resource: AnyResource; count: number }> {
  const over: Array<{ resource: AnyResource; count: number }> = [];
  for (const resource of desired.state.all()) {
    const labels = (resource.attrs as { labels?: Record<string, string> }).labels;
    const count = labels === undefined ? 0 : Object.keys(labels).length;
    if (count > MAX_USER_LABELS) over.push({ resource, count });
  }
  return over;
}
