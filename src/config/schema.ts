import type { ErrorObject, ValidateFunction } from 'ajv';
import type { PortalctlConfig } from '../types/config.js';
import { didYouMean } from './suggest.js';
import type { DataPath } from './parse.js';
import { bare, quote } from '../diagnostics/quote.js';
import { resolveRef, type SchemaNode } from '../schemas.js';
import { validate as generatedValidator } from './validate-config.generated.js';

/**
 * The config validator: ajv standalone code generated from the schema at build time
 * (scripts/gen-validators.mjs, `npm run gen:validators`), so no run compiles the schema.
 */
export function configValidator(): ValidateFunction<PortalctlConfig> {
  return generatedValidator as ValidateFunction<PortalctlConfig>;
}

/** A schema violation, located by data path, in words a config author can act on. */
export interface SchemaProblem {
  path: DataPath;
  /** Point at the key of the last path segment rather than its value. */
  atKey: boolean;
  message: string;
}

/**
 * Checks one document's data against the config schema. `isSecret` tells which values came from
 * the environment: those are never quoted back in a message.
 */
export function validateConfigData(data: unknown, isSecret: (path: DataPath) => boolean): SchemaProblem[] {
  const validate = configValidator();
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of validate.errors ?? []) {
    const problem = describe(e, isSecret);
    if (!problem) continue;
    const id = `${problem.path.join('/')}|${problem.atKey}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Plain-words descriptions of the schema's patterns, instead of the regular expressions. */
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': "letters, digits, '.', '_' and '-', starting with a letter or digit",
  '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$': "lower-case letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
  '^[a-z0-9A-Z]([a-z0-9A-Z._-]*[a-z0-9A-Z])?$': "letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
  '^(?!kong|konnect|mesh|kic|_)[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$':
    "letters, digits, '.', '_' and '-', starting and ending with a letter or digit, not starting with kong, konnect, mesh or kic",
};

/** Label keys portalctl writes itself (`portalctl-namespace`): a config may not set them. */
const RESERVED_LABEL_PREFIX = 'portalctl-';

function describe(e: ErrorObject, isSecret: (path: DataPath) => boolean): SchemaProblem | undefined {
  const path = parsePointer(e.instancePath);
  // Label keys are user-provided and end up here as field names: quoted unless plain.
  const field = path.length === 0 ? 'document' : bare(path[path.length - 1]!);
  const quoted = (value: unknown, at: DataPath = path) => quote(value, isSecret(at));
  const at = (message: string, atKey = false): SchemaProblem => ({ path, atKey, message });

  // A label key (propertyNames) error: ajv names the key in propertyName and points at the map.
  if (e.keyword === 'propertyNames') return undefined; // the nested error, below, names the key
  if (e.propertyName !== undefined) {
    const keyPath = [...path, e.propertyName];
    const key = quote(e.propertyName);
    if (e.keyword === 'not') {
      return {
        path: keyPath,
        atKey: true,
        message: `label key ${key} is reserved: keys starting with ${RESERVED_LABEL_PREFIX} are written by portalctl itself (${RESERVED_LABEL_PREFIX}namespace marks which namespace owns an object)`,
      };
    }
    const rule =
      e.keyword === 'pattern'
        ? `use ${PATTERN_WORDS[String(e.params.pattern)]}`
        : e.keyword === 'maxLength'
          ? `use at most ${e.params.limit} characters`
          : e.keyword === 'minLength'
            ? 'it must not be empty'
            : e.message;
    return { path: keyPath, atKey: true, message: `label key ${key} is not valid: ${rule}` };
  }

  switch (e.keyword) {
    case 'if':
      return undefined; // the error of the `then` branch names what is missing
    case 'required': {
      const missing = String(e.params.missingProperty);
      return at(`missing required field "${missing}"${path.length ? ` in ${dotted(path)}` : ''}`);
    }
    case 'additionalProperties': {
      const extra = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const where = path.length === 0 ? ' at the top level' : ` in ${dotted(path)}`;
      return {
        path: [...path, extra],
        atKey: true,
        message: `unknown field ${quote(extra)}${where}${didYouMean(extra, allowed)}`,
      };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' && !isSecret(path) ? didYouMean(e.data, allowed) : '';
      return at(`${field}: must be one of ${allowed.join(', ')}, not ${quoted(e.data)}${hint}`);
    }
    case 'discriminator': {
      const tag = String(e.params.tag);
      const value = (e.data as Record<string, unknown> | null)?.[tag];
      if (value === undefined) return at(`missing required field "${tag}" in ${dotted(path)}`);
      const allowed = discriminatorValues(e.parentSchema, tag);
      const hint = typeof value === 'string' && !isSecret([...path, tag]) ? didYouMean(value, allowed) : '';
      return {
        path: [...path, tag],
        atKey: false,
        message: `${tag}: must be one of ${allowed.join(', ')}, not ${quoted(value, [...path, tag])}${hint}`,
      };
    }
    case 'type': {
      const expected = String(e.params.type);
      const hint = expected === 'boolean' && typeof e.data === 'string' ? ' (write true or false)' : '';
      return at(`${field}: must be ${article(expected)}, not ${describeType(e.data)}${hint}`);
    }
    case 'pattern': {
      const words = PATTERN_WORDS[String(e.params.pattern)] ?? `a value matching ${String(e.params.pattern)}`;
      return at(`${field}: ${quoted(e.data)} is not valid: use ${words}`);
    }
    case 'minLength':
      return at(e.params.limit === 1 ? `${field}: must not be empty` : `${field}: must be at least ${e.params.limit} characters`);
    case 'maxLength':
      return at(`${field}: must be at most ${e.params.limit} characters`);
    case 'format':
      return at(`${field}: must be a valid ${e.params.format === 'uri' ? 'absolute URL' : String(e.params.format)}`);
    case 'oneOf':
      return undefined; // with a discriminator, the chosen branch reports the real errors
    default:
      return at(`${field}: ${e.message ?? 'is invalid'}`);
  }
}

/** The values a discriminated oneOf accepts for its tag, read from the branches' enums. */
function discriminatorValues(parentSchema: unknown, tag: string): string[] {
  const branches = (parentSchema as SchemaNode | undefined)?.oneOf ?? [];
  return branches.flatMap((branch) => (resolveRef(branch).properties?.[tag]?.enum ?? []) as string[]);
}


/** `products[0].versions[1]`: a data path as a config author reads it (user-provided keys quoted). */
export function dotted(path: DataPath): string {
  return path
    .map((s, i) => (typeof s === 'number' || /^\d+$/.test(s) ? `[${s}]` : i === 0 ? bare(s) : `.${bare(s)}`))
    .join('');
}

function article(type: string): string {
  const noun = type === 'array' ? 'list' : type === 'object' ? 'mapping' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return article(typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value);
}
