/**
 * OpenAPI 3.0 schema objects → JSON Schema (draft-07, for ajv), for one direction of the wire:
 * - local `$ref`s are inlined (a cycle becomes `{}`, permissive, at the point it recurs);
 * - `nullable: true` admits null (in `type`, in `enum`, or as an anyOf when there is no type);
 * - requests: a `readOnly` property is not required and must not be sent;
 *   responses: a `writeOnly` property is not required (it may still appear: UNCLEAR-11);
 * - `discriminator` is dropped (its `oneOf` still decides), so are `example`, `x-…` and the other
 *   annotations ajv's strict mode does not know.
 * ~80 lines instead of a dependency: the specs use only these 3.0 features (checked: no boolean
 * exclusiveMinimum/Maximum, no remote refs).
 */
export type Direction = 'request' | 'response';
type Schema = Record<string, unknown>;

const DROPPED = new Set(['nullable', 'readOnly', 'writeOnly', 'discriminator', 'example', 'examples', 'xml', 'externalDocs', 'deprecated']);

export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = (at as Record<string, unknown> | undefined)?.[key];
    if (at === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return at;
}

/** Follows `$ref`s until a schema with content (OpenAPI 3.0 ignores a $ref's siblings). */
export function deref<T = Schema>(doc: unknown, value: unknown): T {
  let at = value as Schema;
  for (let hops = 0; typeof at?.$ref === 'string'; hops++) {
    if (hops > 50) throw new Error(`$ref loop at ${String(at.$ref)}`);
    at = resolvePointer(doc, at.$ref as string) as Schema;
  }
  return at as T;
}

export function toJsonSchema(doc: unknown, schema: unknown, direction: Direction, stack: string[] = []): Schema | boolean {
  if (typeof schema === 'boolean') return schema;
  if (schema === null || typeof schema !== 'object') return {};
  const source = schema as Schema;
  if (typeof source.$ref === 'string') {
    if (stack.includes(source.$ref)) return {};
    return toJsonSchema(doc, resolvePointer(doc, source.$ref), direction, [...stack, source.$ref]);
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === 'properties' || key === 'required') continue;
    if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = toJsonSchema(doc, value, direction, stack);
    else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') out[key] = (value as unknown[]).map((s) => toJsonSchema(doc, s, direction, stack));
    else out[key] = value;
  }
  if (source.properties !== undefined || source.required !== undefined) {
    const properties: Record<string, Schema | boolean> = {};
    let required = [...((source.required as string[] | undefined) ?? [])];
    for (const [name, property] of Object.entries((source.properties as Record<string, unknown> | undefined) ?? {})) {
      const target = deref<Schema>(doc, property);
      if (direction === 'request' && target?.readOnly === true) {
        properties[name] = false;
        required = required.filter((r) => r !== name);
      } else {
        if (direction === 'response' && target?.writeOnly === true) required = required.filter((r) => r !== name);
        properties[name] = toJsonSchema(doc, property, direction, stack);
      }
    }
    if (source.properties !== undefined) out.properties = properties;
    if (required.length > 0) out.required = required;
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else return { anyOf: [{ type: 'null' }, out] };
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
