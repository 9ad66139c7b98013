/**
 * The one way a value from the config reaches a message. Config values are untrusted: a value may
 * have come from the environment (a secret), may hold a newline or a terminal escape sequence that
 * would forge another line or recolour the output, or may be megabytes long. Every message quotes
 * such values with `quote`, so one problem is always one short line and never shows a secret.
 */

/** What a message says in place of a value that came from `${{ env "NAME" }}`. */
export const FROM_ENVIRONMENT = '(a value from the environment)';

/** Characters of a value shown before it is cut with `…`. */
export const MAX_QUOTED_CHARS = 60;

/**
 * Characters that must never reach a terminal raw: C0 controls (newline, carriage return, escape…),
 * DEL, C1 controls (0x9b is a one-byte CSI), the Unicode line and paragraph separators, and the
 * bidirectional controls that can make text display in an order other than the one it has.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\n`, `\r`, `\t` by name, anything else unsafe as `\uXXXX` (JSON's escapes). */
function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** The text with every control character escaped: safe to print as (part of) one line. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A user-provided value as a message shows it: `(a value from the environment)` when `secret`;
 * otherwise in double quotes with JSON's escapes (and the unsafe characters above escaped too), cut
 * after MAX_QUOTED_CHARS characters with `…`. Non-strings are shown as JSON, cut the same way.
 */
export function quote(value: unknown, secret = false): string {
  if (secret) return FROM_ENVIRONMENT;
  if (typeof value !== 'string') {
    const json = JSON.stringify(value) ?? String(value);
    const shown = cut(json);
    return `${escapeControl(shown)}${shown.length < json.length ? '…' : ''}`;
  }
  const shown = cut(value);
  const cutOff = shown.length < value.length;
  const body = JSON.stringify(cutOff ? shown : value).slice(1, -1);
  return `"${escapeControl(body)}${cutOff ? '…' : ''}"`;
}

/** Whether the attribute at `path` (dot-separated, as in `secretAttrs`), or a part of it, came from the environment. */
export function isSecretAttr(resource: { secretAttrs?: readonly string[] }, path: string): boolean {
  return resource.secretAttrs?.some((s) => s === path || s.startsWith(`${path}.`)) ?? false;
}

/** An attribute of a resource, quoted; redacted when it came from the environment. */
export function quoteAttr(resource: { attrs: object; secretAttrs?: readonly string[] }, path: string): string {
  return quote(attrAt(resource.attrs, path), isSecretAttr(resource, path));
}

function attrAt(attrs: object, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], attrs);
}

/**
 * A name, key or field name as a message shows it: bare when it is made of name characters only
 * (letters, digits, '.', '_', '-', '/'), like `reference_id` or `billing/v1`; quoted like any value
 * otherwise. Names the schema accepts are at most 100 characters, an address key two of them.
 */
export function bare(value: string | number): string {
  const text = String(value);
  return BARE.test(text) ? text : quote(text);
}

const BARE = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,200}$/;

/** An attribute of a resource shown bare (see `bare`); redacted when it came from the environment. */
export function bareAttr(resource: { attrs: object; secretAttrs?: readonly string[] }, path: string): string {
  if (isSecretAttr(resource, path)) return FROM_ENVIRONMENT;
  return bare(String(attrAt(resource.attrs, path)));
}

/** The first MAX_QUOTED_CHARS characters, never splitting a surrogate pair. */
function cut(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return text;
  let end = MAX_QUOTED_CHARS;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}
