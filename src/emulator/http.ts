import type { IncomingMessage, ServerResponse } from 'node:http';

/** One item of a 400 `invalid_parameters` (MAPPING 1.5); `minimum` and `maximum` go with the min and max rules, `choices` with enum. */
export interface InvalidParameter {
  field: string;
  reason: string;
  rule?: string;
  source?: 'body' | 'query' | 'path';
  minimum?: number;
  maximum?: number;
  choices?: unknown[];
}

/** An answer other than success, written as Konnect's problem+json BaseError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly invalidParameters?: InvalidParameter[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (invalid: InvalidParameter[], detail = 'Invalid Parameters') => new ApiError(400, 'Invalid Request', detail, invalid);
export const notFound = () => new ApiError(404, 'Not Found', 'Not Found');
export const unauthorized = (title = 'Unauthorized', detail = 'Unauthorized') => new ApiError(401, title, detail);
export const forbidden = (detail = 'You do not have permission to perform this action') => new ApiError(403, 'Forbidden', detail);
export const conflict = (detail: string) => new ApiError(409, 'Conflict', detail);

/** What a route handler is given. */
export interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  /** The developer of the request's portal session (client routes that need one). */
  developerId?: string;
}

/** What a handler answers: a status and a JSON body (none for 204), plus headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

let traces = 0;

/** A problem+json answer; every one carries its own `kong:trace:<n>`. */
export function problemReply(error: ApiError): Reply {
  const body: Record<string, unknown> = { status: error.status, title: error.title, instance: `kong:trace:${++traces}`, detail: error.detail };
  if (error.status === 400) body.invalid_parameters = error.invalidParameters?.length ? error.invalidParameters : [{ field: 'body', rule: 'invalid', reason: error.detail, source: 'body' }];
  return { status: error.status, body, headers: { 'content-type': 'application/problem+json', ...error.headers } };
}

export function sendProblem(res: ServerResponse, error: ApiError): void {
  sendReply(res, problemReply(error));
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  send(res, reply.status, reply.body, { ...(reply.body !== undefined && { 'content-type': 'application/json' }), ...reply.headers });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request's body; JSON that does not parse is a 400. */
export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'Payload Too Large', `the body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest([{ field: 'body', rule: 'invalid', reason: 'the body is not valid JSON', source: 'body' }]);
  }
}

/** Whether a request says its body is JSON (api-builder answers 415 otherwise). */
export function isJson(req: IncomingMessage): boolean {
  return /^application\/(.+\+)?json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

/**
 * The request's target as a URL. Appended to a base rather than resolved against it: a target such
 * as `//x` is a path here, where `new URL('//x', base)` would read a host and throw (crashing the
 * process when it happened while a failure was being answered).
 */
export function requestUrl(req: IncomingMessage, base: string): URL {
  const target = req.url ?? '/';
  return new URL(`${base}${target.startsWith('/') ? target : `/${target}`}`);
}
