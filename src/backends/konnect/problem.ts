import { STATUS_CODES } from 'node:http';
import { escapeControl } from '../../diagnostics/quote.js';

/** Konnect's `application/problem+json` body (MAPPING 1.5), as far as a message needs it. */
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  invalid_parameters?: Array<{ field?: string; reason?: string; rule?: string }>;
}

/** Characters of a non-JSON error body shown in a message. */
const MAX_BODY_CHARS = 200;
/** Invalid parameters listed before `…and N more`. */
const MAX_PARAMETERS = 10;

/** The body as a Problem when it has the shape of one, else undefined. */
export function asProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.title !== 'string' && typeof b.detail !== 'string') return undefined;
  return b as Problem;
}

/**
 * What an error answer says, as the tail of one line: `404 Not Found`, `400 Invalid Request: Invalid
 * Parameters; name: "name" is required; labels: …`, or for a body that is not problem+json the status
 * with the start of a plain-text body (an HTML page is left out). Control characters are escaped, so a
 * hostile answer cannot forge a second line.
 */
export function describeErrorAnswer(status: number, body: unknown, text: string, contentType: string): string {
  const problem = asProblem(body);
  const parts: string[] = [];
  if (problem) {
    const title = problem.title?.trim() || STATUS_CODES[status] || 'error';
    const detail = problem.detail?.trim();
    parts.push(detail && detail !== title ? `${status} ${title}: ${detail}` : `${status} ${title}`);
    const params = Array.isArray(problem.invalid_parameters) ? problem.invalid_parameters : [];
    for (const p of params.slice(0, MAX_PARAMETERS)) {
      if (typeof p !== 'object' || p === null) continue;
      parts.push(`${p.field ?? '(unnamed)'}: ${p.reason ?? p.rule ?? 'invalid'}`);
    }
    if (params.length > MAX_PARAMETERS) parts.push(`…and ${params.length - MAX_PARAMETERS} more`);
  } else {
    const head = `${status} ${STATUS_CODES[status] ?? 'error'}`;
    const plain = !/html/i.test(contentType) && !/^\s*</.test(text) ? text.trim().split(/\r?\n/)[0] ?? '' : '';
    const cut = plain.length > MAX_BODY_CHARS ? `${plain.slice(0, MAX_BODY_CHARS)}…` : plain;
    parts.push(cut ? `${head}: ${cut}` : head);
  }
  return escapeControl(parts.join('; '));
}
