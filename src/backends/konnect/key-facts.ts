import type { KeyFacts } from '../../model/resource.js';

/** The key facts of a listed credential (v3 and classic answer alike, MAPPING 3.4, 4.5): null and absent are dropped. */
export function keyFacts(c: { created_at?: string; expires_at?: string | null; status?: string }): KeyFacts {
  return {
    ...(c.created_at !== undefined && { created_at: c.created_at }),
    ...(typeof c.expires_at === 'string' && { expires_at: c.expires_at }),
    ...(c.status !== undefined && { status: c.status }),
  };
}
