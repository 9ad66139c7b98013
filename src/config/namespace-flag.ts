import { UserError } from '../errors.js';
import { validateConfigData } from './schema.js';

/** Refuses (one line, exit 1) a `--namespace` value that breaks the schema's rule for `namespace`. */
export function checkNamespaceFlag(value: string | undefined): void {
  if (value === undefined) return;
  const invalid = validateConfigData({ namespace: value }, () => false);
  if (invalid.length > 0) throw new UserError(`--namespace: ${invalid[0]!.message}`);
}
