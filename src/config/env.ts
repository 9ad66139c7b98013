import type { DataPath } from './parse.js';

/** `${{ env "NAME" }}`: the only substitution, replaced by the variable's value. */
const SUBSTITUTION = /\$\{\{\s*env\s+"([A-Za-z_][A-Za-z0-9_]*)"\s*\}\}/g;
const ANY_SUBSTITUTION = /\$\{\{/;

export interface SubstitutionProblem {
  path: DataPath;
  message: string;
}

export interface SubstitutionResult {
  /** Data paths whose string value came (wholly or partly) from the environment. */
  secretPaths: DataPath[];
  problems: SubstitutionProblem[];
}

/**
 * Replaces `${{ env "NAME" }}` in every string value of `data`, in place. A missing variable or a
 * malformed substitution is a problem at that value. Substituted values are secrets from then on:
 * their paths are returned so that messages, plans and stores never show them.
 */
export function substituteEnv(data: unknown, env: NodeJS.ProcessEnv): SubstitutionResult {
  const result: SubstitutionResult = { secretPaths: [], problems: [] };

  const visitString = (value: string, path: DataPath): string => {
    if (!ANY_SUBSTITUTION.test(value)) return value;
    let substituted = false;
    const replaced = value.replace(SUBSTITUTION, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        result.problems.push({ path, message: `environment variable ${name} is not set` });
        return '';
      }
      substituted = true;
      return found;
    });
    if (ANY_SUBSTITUTION.test(value.replace(SUBSTITUTION, ''))) {
      result.problems.push({ path, message: 'malformed substitution: write ${{ env "NAME" }}' });
    }
    if (substituted) result.secretPaths.push(path);
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
