import { configSchema, resolveRef, type SchemaNode } from '../schemas.js';

/** Fills in a value's defaults (a copy when anything is filled in or the value is an object). */
type Filler = (value: unknown) => unknown;

/**
 * What fills in the schema definition's `default`s: a copy of a value with them wherever a property
 * is absent, at any depth: into nested objects that are present (after filling in a default object),
 * and into the branch of a discriminated `oneOf` that the value's tag chooses. `skip` names top-level
 * properties that are not attributes (`protected`, child lists). Every object of a config passes
 * through one: made once (per kind), it walks the schema once per node.
 */
export function schemaDefaults(definition: string, skip: readonly string[] = []): <T extends object>(value: T) => T {
  const node = configSchema().definitions?.[definition];
  if (!node) throw new Error(`schema: no definition ${definition}`);
  const filler = compile(node, new Set(skip));
  return <T extends object>(value: T) => filler(value) as T;
}

const nested = new WeakMap<SchemaNode, Filler>();
const NONE: ReadonlySet<string> = new Set();

function compile(schema: SchemaNode, skip: ReadonlySet<string>): Filler {
  const node = resolveRef(schema);
  if (!node.oneOf || !node.discriminator) return fillObject(node, skip);
  // A discriminated oneOf: the branch whose tag enum holds the value's tag (the node itself when none does).
  const tag = node.discriminator.propertyName;
  const branches = node.oneOf.map(resolveRef).map((branch) => ({ tags: branch.properties?.[tag]?.enum ?? [], fill: lazy(() => fillObject(branch, skip)) }));
  const own = lazy(() => fillObject(node, skip));
  return (value) => {
    if (!isRecord(value)) return value;
    const chosen = branches.find((branch) => branch.tags.includes(value[tag]));
    return (chosen?.fill ?? own)()(value);
  };
}

function fillObject(node: SchemaNode, skip: ReadonlySet<string>): Filler {
  if (!node.properties) return (value) => value;
  const properties = Object.entries(node.properties)
    .filter(([name]) => !skip.has(name))
    .map(([name, property]) => ({ name, default: property.default, fill: lazy(() => nestedFiller(property)) }));
  return (value) => {
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const property of properties) {
      const present = out[property.name];
      const given = present === undefined ? copyOf(property.default) : present;
      if (given !== undefined) out[property.name] = property.fill()(given);
    }
    return out;
  };
}

function nestedFiller(schema: SchemaNode): Filler {
  let filler = nested.get(schema);
  if (filler === undefined) {
    filler = compile(schema, NONE);
    nested.set(schema, filler);
  }
  return filler;
}

/** A default as a fresh value: objects and lists are copied, so that no two objects share one. */
function copyOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Made on first use: a schema may refer to itself. */
function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
