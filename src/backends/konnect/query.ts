/** A query value: scalars, lists (sent comma-separated, as `oeq` and `ocontains` take them) or nested objects. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | QueryObject | undefined;
export interface QueryObject {
  readonly [key: string]: QueryValue;
}

/**
 * A query string in the deepObject style the Konnect specs declare: `{filter: {name: {eq: 'x'}}}` →
 * `filter[name][eq]=x`, `{'page[size]': 100}` → `page[size]=100`. Brackets stay literal (readable in
 * debug lines; servers decode both), values are percent-encoded, undefined values are left out.
 */
export function encodeQuery(query: QueryObject | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  const walk = (prefix: string, value: QueryValue): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) parts.push(`${prefix}=${encodeURIComponent(value.join(','))}`);
    else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as QueryObject)) walk(`${prefix}[${encodeKey(key)}]`, inner);
    } else parts.push(`${prefix}=${encodeURIComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(query)) walk(encodeKey(key), value);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A key part, encoded except for the brackets that give it structure. */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
}
