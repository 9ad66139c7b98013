import { mapBounded, MAX_OPEN_FILES } from '../config/bounded.js';
import { buildDesired, type ValidDocument } from '../config/desired.js';
import { substituteEnv } from '../config/env.js';
import { findConfigFiles } from '../config/files.js';
import { parseConfigText, type DataPath } from '../config/parse.js';
import { readConfigFile } from '../config/read.js';
import { validateConfigData } from '../config/schema.js';
import { error, type Problem } from '../diagnostics/problems.js';
import type { PortalctlConfig } from '../types/config.js';

/** Where a config takes values from the environment. */
export interface ConfigTemplates {
  /** Per address, each attribute path (dot-separated, as `envTemplates`) with its template as written (`${{ env "NAME" }}`). */
  byAddress: Map<string, Record<string, string>>;
  /** How many values the config takes from the environment (what apply marks a konnect portal with). */
  count: number;
  /** The namespace the config names, if it names one. */
  namespace?: string;
}

/**
 * Every variable is set while templates are found, to its own template: the values themselves are
 * not needed (a dump may run where they are not set), only where the templates are.
 */
const EVERY_VARIABLE_SET: NodeJS.ProcessEnv = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `\${{ env "${name}" }}` : undefined) });

/**
 * Loads PATHS as loadDesired does (find, read, parse, schema, merge), without the environment's
 * values: a value that comes from the environment is not schema-checked (it is not known here) and
 * an unset variable is no problem. References are not checked either: only where each object's
 * templates are matters. Problems come back as loadDesired's do; templates only when none is an error.
 */
export async function loadConfigTemplates(paths: readonly string[]): Promise<{ templates?: ConfigTemplates; problems: Problem[] }> {
  const { files, problems } = await findConfigFiles(paths);
  const texts = await mapBounded(files, MAX_OPEN_FILES, (file) => readConfigFile(file));
  const valid: ValidDocument[] = [];
  files.forEach((file, i) => {
    const read = texts[i]!;
    if (!read.ok) return void problems.push(read.problem);
    const parsed = parseConfigText(file, read.text);
    problems.push(...parsed.problems);
    for (const doc of parsed.documents) {
      const substitution = substituteEnv(doc.data, EVERY_VARIABLE_SET);
      for (const p of substitution.problems) problems.push(error(p.message, doc.locate(p.path)));
      const secret = new Set(substitution.secrets.map((x) => pathKey(x.path)));
      const schemaProblems = validateConfigData(doc.data, (path) => secret.has(pathKey(path))).filter((p) => !secret.has(pathKey(p.path)));
      for (const p of schemaProblems) problems.push(error(p.message, doc.locate(p.path, p.atKey)));
      if (schemaProblems.length === 0 && substitution.problems.length === 0) valid.push({ doc, config: doc.data as PortalctlConfig, secrets: substitution.secrets });
    }
  });
  const parts = buildDesired(valid);
  problems.push(...parts.problems);
  if (problems.some((p) => p.severity === 'error')) return { problems };
  const byAddress = new Map<string, Record<string, string>>();
  let count = 0;
  for (const r of parts.state.all()) {
    if (r.envTemplates === undefined) continue;
    byAddress.set(r.address, r.envTemplates);
    count += Object.keys(r.envTemplates).length;
  }
  return { templates: { byAddress, count, ...(parts.namespace && { namespace: parts.namespace.value }) }, problems };
}

function pathKey(path: DataPath): string {
  return path.map(String).join('\u0000');
}
