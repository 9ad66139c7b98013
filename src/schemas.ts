import { readFileSync } from 'node:fs';

/**
 * The JSON Schemas shipped in schemas/, the single source of truth for the config: every stage that
 * needs them (defaults, `portalctl schema`) reads them here, once; the validators are generated from
 * them (scripts/gen-validators.mjs). Two folders up from src/ and dist/.
 */
export const CONFIG_SCHEMA_URL = new URL('../schemas/portalctl.schema.json', import.meta.url);

/** A JSON Schema node, as far as portalctl reads one. */
export interface SchemaNode {
  $ref?: string;
  default?: unknown;
  definitions?: Record<string, SchemaNode>;
  discriminator?: { propertyName: string };
  oneOf?: SchemaNode[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
}

/** The config JSON Schema text, exactly as shipped (what `portalctl schema` prints). */
export function configSchemaText(): string {
  return readFileSync(CONFIG_SCHEMA_URL, 'utf8');
}

let parsed: SchemaNode | undefined;

/** The config schema as data, read and parsed once. */
export function configSchema(): SchemaNode {
  parsed ??= JSON.parse(configSchemaText()) as SchemaNode;
  return parsed;
}

/** A `#/definitions/Name` reference resolved, or the node itself. */
export function resolveRef(node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  const found = configSchema().definitions?.[node.$ref.replace('#/definitions/', '')];
  if (!found) throw new Error(`schema: unresolved ${node.$ref}`);
  return found;
}
