import type { DataPath } from './parse.js';

/** `${{ env "NAME" }}`: the only substitution, replaced by the variable's value. */
const SUBSTITUTION = /\$\{\{\s*env\s+"([A-Za-z_][A-Za-z0-9_]*)"\s*\}\}/g;
const ANY_SUBSTITUTION = /\$\{\{/;

export interface SubstitutionProblem {
  path: DataPath;
  message: string;
}

/** A value that came (wholly or partly) from the environment: where it sits, and the text that was written there. */
export interface EnvSecret {
  path: DataPath;
  /** The value as written in the config (`${{ env "NAME" }}`): what a saved plan keeps instead of the value. */
  template: string;
}

export interface SubstitutionResult {
  secrets: EnvSecret[];
  problems: SubstitutionProblem[];
}

/** The value of a template (`key-${{ env "KEY" }}`) in `env`, or the names of the variables that are not set. */
export function resolveTemplate(template: string, env: NodeJS.ProcessEnv): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = template.replace(SUBSTITUTION, (_match, name: string) => {
    const found = env[name];
    if (found === undefined) missing.push(name);
    return found ?? '';
  });
  return { value, missing };
}

/** The variables a template reads (`key-${{ env "A" }}-${{ env "B" }}`: A, B), in order. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(SUBSTITUTION)].map((m) => m[1]!);
}

/**
 * Replaces `${{ env "NAME" }}` in every string value of `data`, in place. A missing variable or a
 * malformed substitution is a problem at that value. Substituted values are secrets from then on:
 * their paths are returned so that messages, plans and stores never show them.
 */
export function substituteEnv(data: unknown, env: NodeJS.ProcessEnv): SubstitutionResult {
  const result: SubstitutionResult = { secrets: [], problems: [] };

  const visitString = (value: string, path: DataPath): string => {
    if (!ANY_SUBSTITUTION.test(value)) return value;
    const { value: replaced, missing } = resolveTemplate(value, env);
    for (const name of missing) result.problems.push({ path, message: `environment variable ${name} is not set` });
    if (ANY_SUBSTITUTION.test(value.replace(SUBSTITUTION, ''))) {
      result.problems.push({ path, message: 'malformed substitution: write ${{ env "NAME" }}' });
    }
    // A value is a secret once any of its variables was substituted.
    if ([...value.matchAll(SUBSTITUTION)].length > missing.length) result.secrets.push({ path, template: value });
    return replaced;
  };

  const visit = (node: unknown, path: DataPath): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        if (typeof item === 'string') node[i] = visitString(item, [...path, i]);
        else visit(item, [...path, i]);
      });
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (typeof item === 'string') record[key] = visitString(item, [...path, key]);
        else visit(item, [...path, key]);
      }
    }
  };

  visit(data, []);
  return result;
}
