import { badRequest, type Ctx } from './http.js';

/**
 * Paging and filters of list endpoints (MAPPING 1.2, 1.3, 6.3 #2–3). DECISIONS: default page size
 * 10 (so clients exercise paging), at most 100, `page[number]` from 1, `meta.page.total` counts items.
 */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** How a documented filter field compares: the operators each type takes. */
export type FilterType = 'string' | 'uuid' | 'boolean' | 'datetime';
const OPERATORS: Record<FilterType, readonly string[]> = {
  string: ['eq', 'oeq', 'neq', 'contains', 'ocontains'],
  uuid: ['eq', 'oeq', 'neq'],
  boolean: [],
  datetime: ['eq', 'lt', 'lte', 'gt', 'gte'],
};

/**
 * A list endpoint's documented query: its filter fields (a field ending in `.*` takes any key after
 * the dot, as `labels.*` does) and its sort fields.
 */
export interface ListSpec {
  filters?: Record<string, FilterType>;
  sort?: readonly string[];
  /** The exact filter parameters accepted, when the spec names each one (the client API: `filter[name][eq]`, `filter[name]`, …). */
  only?: readonly string[];
}

/** The values filters and sort compare, by field name (`labels.env` included). */
export type Fields = (field: string) => string | boolean | null | undefined;

interface Condition {
  field: string;
  type: FilterType;
  op: string;
  value: string;
}

/** Answers one page of `items` as `{data, meta:{page}}`, after the query's filters and sort. */
export function page<T>(ctx: Ctx, items: readonly T[], spec: ListSpec, fields: (item: T) => Fields, render: (item: T) => unknown) {
  const { size, number } = pageParams(ctx.query);
  const conditions = filterConditions(ctx.query, spec);
  let kept = conditions.length === 0 ? [...items] : items.filter((item) => conditions.every((c) => matches(fields(item)(c.field), c)));
  const sort = ctx.query.get('sort');
  if (sort !== null && sort !== '') kept = sorted(kept, sort, spec, fields);
  const start = (number - 1) * size;
  return { data: kept.slice(start, start + size).map(render), meta: { page: { number, size, total: kept.length } } };
}

function pageParams(query: URLSearchParams): { size: number; number: number } {
  const read = (name: string, fallback: number, max?: number): number => {
    const text = query.get(name);
    if (text === null || text === '') return fallback;
    if (!/^-?\d+$/.test(text.trim())) throw badRequest([{ field: name, rule: 'is_number', reason: `"${name}" must be a number`, source: 'query' }]);
    const value = Number(text);
    if (value < 1) throw badRequest([{ field: name, rule: 'min', minimum: 1, reason: `"${name}" must be at least 1`, source: 'query' }]);
    if (max !== undefined && value > max) throw badRequest([{ field: name, rule: 'max', maximum: max, reason: `"${name}" must be at most ${max}`, source: 'query' }]);
    return value;
  };
  return { size: read('page[size]', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), number: read('page[number]', 1) };
}

function filterConditions(query: URLSearchParams, spec: ListSpec): Condition[] {
  const conditions: Condition[] = [];
  for (const [key, value] of query) {
    if (!key.startsWith('filter')) continue;
    if (spec.only !== undefined && !spec.only.includes(key)) throw unknownFilter(key);
    const parts = /^filter\[([^\]]+)\](?:\[([^\]]+)\])?$/.exec(key);
    const field = parts?.[1];
    const type = field === undefined ? undefined : typeOf(field, spec);
    if (parts === null || field === undefined || type === undefined) throw unknownFilter(key);
    const op = parts[2] ?? 'eq';
    if (type === 'boolean') {
      if (parts[2] !== undefined) throw unknownFilter(key);
      if (value !== 'true' && value !== 'false') throw badRequest([{ field: key, rule: 'is_boolean', reason: `"${key}" must be a boolean`, source: 'query' }]);
    } else if (!OPERATORS[type].includes(op)) throw unknownFilter(key);
    conditions.push({ field, type, op, value });
  }
  return conditions;
}

function typeOf(field: string, spec: ListSpec): FilterType | undefined {
  const filters = spec.filters ?? {};
  if (Object.hasOwn(filters, field)) return filters[field];
  const dot = field.indexOf('.');
  return dot > 0 && field.length > dot + 1 ? filters[`${field.slice(0, dot)}.*`] : undefined;
}

const unknownFilter = (key: string) => badRequest([{ field: key, rule: 'unknown_property', reason: `"${key}" is not allowed`, source: 'query' }]);

function matches(actual: string | boolean | null | undefined, c: Condition): boolean {
  if (c.type === 'boolean') return actual === (c.value === 'true');
  const text = actual === null || actual === undefined ? undefined : String(actual);
  const list = () => c.value.split(',');
  switch (c.op) {
    case 'eq':
      return text === c.value;
    case 'neq':
      return text !== c.value;
    case 'oeq':
      return text !== undefined && list().includes(text);
    case 'contains':
      return text !== undefined && text.includes(c.value);
    case 'ocontains':
      return text !== undefined && list().some((part) => text.includes(part));
    case 'lt':
      return text !== undefined && text < c.value;
    case 'lte':
      return text !== undefined && text <= c.value;
    case 'gt':
      return text !== undefined && text > c.value;
    default:
      return text !== undefined && text >= c.value;
  }
}

/** `sort=field` or `sort=field desc`, comma-separated; an undocumented field is a 400. */
function sorted<T>(items: T[], sort: string, spec: ListSpec, fields: (item: T) => Fields): T[] {
  const keys = sort.split(',').map((part) => {
    const [field = '', direction = 'asc'] = part.trim().split(/\s+/);
    if (!(spec.sort ?? []).includes(field) || !['asc', 'desc'].includes(direction)) {
      throw badRequest([{ field: 'sort', rule: 'invalid', reason: `"sort" cannot sort by "${part.trim()}"`, source: 'query' }]);
    }
    return { field, sign: direction === 'desc' ? -1 : 1 };
  });
  return items.sort((a, b) => {
    for (const { field, sign } of keys) {
      const [x, y] = [String(fields(a)(field) ?? ''), String(fields(b)(field) ?? '')];
      if (x !== y) return x < y ? -sign : sign;
    }
    return 0;
  });
}
