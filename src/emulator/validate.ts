import { badRequest, type InvalidParameter } from './http.js';

/**
 * Request bodies checked the way Konnect answers them (MAPPING 6.3 #4): every problem of the body in
 * one 400, each with its field path, rule and `source: body`. A small description of each body
 * (written from the specs' schemas, not loaded from them) stands in for a schema.
 */
export type Shape =
  | { type: 'string'; minLength?: number; maxLength?: number; pattern?: RegExp; enum?: readonly string[]; format?: 'uuid' | 'email' }
  | { type: 'boolean' }
  | { type: 'integer'; minimum?: number }
  | { type: 'array'; items: Shape; minItems?: number; maxItems?: number }
  | { type: 'object'; fields: Fields; required?: readonly string[]; additional?: boolean }
  /** Labels; `update` (LabelsUpdate) lets a value be null (it deletes the key). */
  | { type: 'labels'; update?: boolean };

/** An object's fields: each shape, and whether null is accepted. */
export type Fields = Record<string, Shape & { nullable?: boolean }>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LABEL_VALUE = /^[a-z0-9A-Z]{1}([a-z0-9A-Z-._]*[a-z0-9A-Z]+)?$/;
const RESERVED_LABEL_KEY = /^(kong|konnect|mesh|kic|_)/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Checks `body` as an object of `fields`; throws one 400 listing every problem. A missing body is `{}`. */
export function checkBody<T = Record<string, unknown>>(body: unknown, fields: Fields, required: readonly string[] = [], additional = false): T {
  const problems: InvalidParameter[] = [];
  check(body ?? {}, { type: 'object', fields, required, additional }, '', problems);
  if (problems.length > 0) throw badRequest(problems);
  return (body ?? {}) as T;
}

function check(value: unknown, shape: Shape & { nullable?: boolean }, path: string, problems: InvalidParameter[]): void {
  const at = path || 'body';
  const problem = (rule: string, reason: string, extra: Partial<InvalidParameter> = {}) => problems.push({ field: at, rule, reason, source: 'body', ...extra });
  if (value === null) {
    if (!shape.nullable) problem('is_null', `"${at}" must not be null`);
    return;
  }
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return void problem('is_string', `"${at}" must be a string`);
      if (shape.format === 'uuid' && !UUID.test(value)) return void problem('is_uuid', `"${at}" must be a valid UUID`);
      if (shape.format === 'email' && !EMAIL.test(value)) return void problem('invalid', `"${at}" must be a valid email address`);
      if (shape.enum && !shape.enum.includes(value)) return void problem('enum', `"${at}" must be one of ${shape.enum.join(', ')}`, { choices: [...shape.enum] });
      if (shape.minLength !== undefined && value.length < shape.minLength) problem('min_length', `"${at}" must have at least ${shape.minLength} characters`, { minimum: shape.minLength });
      if (shape.maxLength !== undefined && value.length > shape.maxLength) problem('max_length', `"${at}" must have at most ${shape.maxLength} characters`, { maximum: shape.maxLength });
      if (shape.pattern && !shape.pattern.test(value)) problem('matches_regex', `"${at}" must match ${shape.pattern.source}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') problem('is_boolean', `"${at}" must be a boolean`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return void problem('is_integer', `"${at}" must be an integer`);
      if (shape.minimum !== undefined && value < shape.minimum) problem('min', `"${at}" must be at least ${shape.minimum}`, { minimum: shape.minimum });
      return;
    case 'array':
      if (!Array.isArray(value)) return void problem('is_array', `"${at}" must be an array`);
      if (shape.minItems !== undefined && value.length < shape.minItems) problem('min_items', `"${at}" must have at least ${shape.minItems} items`, { minimum: shape.minItems });
      if (shape.maxItems !== undefined && value.length > shape.maxItems) problem('max_items', `"${at}" must have at most ${shape.maxItems} items`, { maximum: shape.maxItems });
      value.forEach((item, i) => check(item, shape.items, `${at}[${i}]`, problems));
      return;
    case 'labels':
      return checkLabels(value, shape.update === true, at, problems);
    default: {
      if (typeof value !== 'object' || Array.isArray(value)) return void problem('is_object', `"${at}" must be an object`);
      const record = value as Record<string, unknown>;
      const prefix = path ? `${path}.` : '';
      for (const name of shape.required ?? []) {
        if (record[name] === undefined) problems.push({ field: `${prefix}${name}`, rule: 'required', reason: `"${prefix}${name}" is required`, source: 'body' });
      }
      for (const [name, item] of Object.entries(record)) {
        // Own fields only: a body key like "constructor" must not find Object.prototype's.
        const field = Object.hasOwn(shape.fields, name) ? shape.fields[name] : undefined;
        if (field === undefined) {
          if (!shape.additional) problems.push({ field: `${prefix}${name}`, rule: 'unknown_property', reason: `"${prefix}${name}" is not allowed`, source: 'body' });
          continue;
        }
        if (item !== undefined) check(item, field, `${prefix}${name}`, problems);
      }
    }
  }
}

function checkLabels(value: unknown, update: boolean, at: string, problems: InvalidParameter[]): void {
  const problem = (field: string, rule: string, reason: string, extra: Partial<InvalidParameter> = {}) => problems.push({ field, rule, reason, source: 'body', ...extra });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problem(at, 'is_object', `"${at}" must be an object`);
  const entries = Object.entries(value);
  if (entries.length > 50) problem(at, 'max_items', `"${at}" must have at most 50 labels`, { maximum: 50 });
  for (const [key, label] of entries) {
    const field = `${at}.${key}`;
    if (key.length < 1 || key.length > 63 || RESERVED_LABEL_KEY.test(key)) problem(field, 'is_label', `"${field}": a label key has 1 to 63 characters and cannot start with kong, konnect, mesh, kic or _`);
    else if (label === null && update) continue;
    else if (typeof label !== 'string' || label.length > 63 || !LABEL_VALUE.test(label)) problem(field, 'is_label', `"${field}" must be a label value of 1 to 63 letters, digits, "-", "." or "_", starting and ending with a letter or digit`);
  }
}

/** Labels after an update: null deletes a key, other keys merge (MAPPING 1.4, the emulator's DECISION). */
export function mergeLabels(current: Record<string, string>, update: Record<string, string | null> | null | undefined): Record<string, string> {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > 50) throw badRequest([{ field: 'labels', rule: 'max_items', maximum: 50, reason: '"labels" must have at most 50 labels', source: 'body' }]);
  return next;
}

/** Labels given at create (LabelsUpdate there too): nulls dropped. */
export function createdLabels(labels: Record<string, string | null> | null | undefined): Record<string, string> {
  return mergeLabels({}, labels ?? {});
}
