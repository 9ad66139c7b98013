import { validateConfigData } from './schema.js';

/** Why a `--namespace` value is refused, or undefined: the flag obeys the schema's rule for `namespace`. */
export function namespaceFlagProblem(value: string): string | undefined {
  const invalid = validateConfigData({ namespace: value }, () => false);
  return invalid.length > 0 ? `--namespace: ${invalid[0]!.message}` : undefined;
}
