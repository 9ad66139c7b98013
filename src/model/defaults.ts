import { configSchema, resolveRef, type SchemaNode } from '../schemas.js';

/**
 * A copy of `value` with the schema's `default`s filled in wherever a property is absent, at any
 * depth: into nested objects that are present (after filling in a default object), and into the
 * branch of a discriminated `oneOf` that the value's tag chooses. `skip` names top-level properties
 * that are not attributes (`protected`, child lists).
 */
export function withSchemaDefaults<T extends object>(definition: string, value: T, skip: readonly string[] = []): T {
  const node = configSchema().definitions?.[definition];
  if (!node) throw new Error(`schema: no definition ${definition}`);
  return fill(node, value, new Set(skip)) as T;
}

function fill(schema: SchemaNode, value: unknown, skip: ReadonlySet<string> = new Set()): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const node = branchOf(resolveRef(schema), value as Record<string, unknown>);
  if (!node.properties) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, property] of Object.entries(node.properties)) {
    if (skip.has(name)) continue;
    const present = out[name];
    const given = present === undefined ? resolveDefault(property) : present;
    if (given !== undefined) out[name] = fill(property, given);
  }
  return out;
}

/** A discriminated oneOf's branch for this value's tag (the node itself when it has none). */
function branchOf(node: SchemaNode, value: Record<string, unknown>): SchemaNode {
  if (!node.oneOf || !node.discriminator) return node;
  const tag = value[node.discriminator.propertyName];
  return node.oneOf.map(resolveRef).find((branch) => branch.properties?.[node.discriminator!.propertyName]?.enum?.includes(tag)) ?? node;
}

function resolveDefault(property: SchemaNode): unknown {
  return property.default === undefined ? undefined : structuredClone(property.default);
}
