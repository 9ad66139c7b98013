import { loadDesired } from '../config/load.js';
import type { Problem } from '../diagnostics/problems.js';

/** Where a config takes values from the environment. */
export interface ConfigTemplates {
  /** Per address, each attribute path (dot-separated, as `envTemplates`) with its template as written (`${{ env "NAME" }}`). */
  byAddress: Map<string, Record<string, string>>;
  /** How many values the config takes from the environment (what apply marks a konnect portal with). */
  count: number;
  /** The namespace the config names (`default` when it names none). */
  namespace: string;
}

/**
 * Loads PATHS as plan does, without the environment's values (a dump may run where they are not
 * set: see LoadOptions.templatesOnly), and returns where each object takes values from the
 * environment. Problems come back as loadDesired's do; templates only when none is an error.
 */
export async function loadConfigTemplates(paths: readonly string[]): Promise<{ templates?: ConfigTemplates; problems: Problem[] }> {
  const { desired, problems } = await loadDesired(paths, { templatesOnly: true });
  if (desired === undefined) return { problems };
  const byAddress = new Map<string, Record<string, string>>();
  let count = 0;
  for (const r of desired.state.all()) {
    if (r.envTemplates === undefined) continue;
    byAddress.set(r.address, r.envTemplates);
    count += Object.keys(r.envTemplates).length;
  }
  return { templates: { byAddress, count, namespace: desired.namespace }, problems };
}
