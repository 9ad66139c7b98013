import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { emitExchange, type Exchange, type ExchangeListener } from './exchanges.js';
import { ApiError, badRequest, isJson, problemReply, readBody, requestUrl, sendReply, unauthorized, type Ctx, type Reply } from './http.js';
import type { Faults } from './faults.js';
import type { Route } from './routes/route.js';
import type { EmulatorState } from './state.js';

export interface ServerOptions {
  token: string;
  latencyMs: number;
  faults: Faults;
  /** Seconds in the Retry-After header of an injected 429. */
  retryAfterSeconds: number;
  /** Told every exchange (besides the listeners of observeExchanges). */
  onExchange?: ExchangeListener;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

/** The cookie of a developer session (dev-portal `portalAccessToken`). */
export const SESSION_COOKIE = 'portalaccesstoken';

/**
 * The admin and portal API on one port (their prefixes differ: /v2, /v3 and /api/v3): a route
 * table, the bearer token on admin routes, the session cookie on client routes, problem+json for
 * every error, injected latency and faults.
 */
export function createApiServer(state: EmulatorState, routes: readonly Route[], options: ServerOptions): Server {
  const table = routes.map(compile);
  const server = createServer((req, res) => {
    // The request's body, once read: kept for the exchange record.
    const read: { body?: unknown } = {};
    const answer = (reply: Reply, injected = false) => {
      // The emulator was stopped under this request (its connection closed): nothing is answered.
      if (res.destroyed) return;
      sendReply(res, reply);
      emitExchange(exchangeOf(req, read, reply, injected), options.onExchange);
    };
    void handle(req, read, answer).catch((cause: unknown) => {
      if (cause instanceof ApiError) return answer(problemReply(cause));
      // A bug of the emulator: a 500 that says so, without a stack trace on the wire.
      answer(problemReply(new ApiError(500, 'Internal Server Error', `emulator error: ${cause instanceof Error ? cause.message : String(cause)}`)));
    });
  });

  async function handle(req: IncomingMessage, read: { body?: unknown }, answer: (reply: Reply, injected?: boolean) => void): Promise<void> {
    if (options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const fault = options.faults.draw(req.method);
    if (fault && !fault.after) return inject(fault.kind, req, answer);
    const reply = await route(req, read);
    if (reply.status < 300 && req.method !== 'GET') state.changed();
    if (fault) return inject(fault.kind, req, answer);
    answer(reply);
  }

  async function route(req: IncomingMessage, read: { body?: unknown }): Promise<Reply> {
    const url = requestUrl(req, 'http://emulator');
    const method = req.method ?? 'GET';
    let params: Record<string, string> | undefined;
    const found = table.find((r) => r.method === method && (params = match(r, url.pathname)) !== undefined);
    if (found === undefined || params === undefined) throw new ApiError(404, 'Not Found', 'Not Found');
    const ctx: Ctx = { req, method, path: url.pathname, query: url.searchParams, params, body: undefined };
    if (found.auth === 'admin') checkToken(req, options.token);
    if (found.auth === 'session') {
      ctx.developerId = state.sessionDeveloper(cookie(req, SESSION_COOKIE));
      if (ctx.developerId === undefined) throw unauthorized();
    }
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      if (found.jsonOnly && !isJson(req)) throw new ApiError(415, 'Unsupported Media Type', 'This API only supports requests with `Content-Type: application/json`');
      ctx.body = read.body = await readBody(req);
    } else {
      req.resume();
    }
    return found.handle(ctx, state);
  }

  function inject(kind: string, req: IncomingMessage, answer: (reply: Reply, injected: boolean) => void): void {
    req.resume();
    if (kind === 'reset') {
      req.socket.resetAndDestroy?.() ?? req.socket.destroy();
      return;
    }
    if (kind === '429') return answer(problemReply(new ApiError(429, 'Too Many Requests', 'Too Many Requests', undefined, { 'retry-after': String(options.retryAfterSeconds) })), true);
    if (kind === '503') return answer(problemReply(new ApiError(503, 'Service Unavailable', 'Service Unavailable')), true);
    answer(problemReply(new ApiError(500, 'Internal Server Error', 'Internal Server Error')), true);
  }

  return server;
}

function exchangeOf(req: IncomingMessage, read: { body?: unknown }, reply: Reply, injected: boolean): Exchange {
  const url = requestUrl(req, 'http://emulator');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: [...url.searchParams],
    ...(req.headers['content-type'] !== undefined && { requestContentType: req.headers['content-type'] }),
    hasBearer: /^Bearer\s+\S/i.test(req.headers.authorization ?? ''),
    hasSessionCookie: cookie(req, SESSION_COOKIE) !== undefined,
    ...(read.body !== undefined && { requestBody: read.body }),
    status: reply.status,
    ...(reply.body !== undefined && { responseContentType: reply.headers?.['content-type'] ?? 'application/json', responseBody: reply.body }),
    ...(injected && { injected }),
  };
}

/** 401 without `Authorization: Bearer <token>` or with another token (compared in constant time). */
function checkToken(req: IncomingMessage, token: string): void {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(token)];
  if (given === undefined || a.length !== b.length || !timingSafeEqual(a, b)) throw unauthorized();
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeOrUndefined(value.join('='));
  }
  return undefined;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
  return { ...route, pattern: new RegExp(`^${source}/?$`), names };
}

function match(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const found = route.pattern.exec(path);
  if (found === null) return undefined;
  return Object.fromEntries(
    route.names.map((name, i) => {
      const value = decodeOrUndefined(found[i + 1]!);
      // `%FF`, `%zz`: a client's mistake (400), not the emulator's (decodeURIComponent throws a URIError).
      if (value === undefined) throw badRequest([{ field: name, rule: 'invalid', reason: 'is not a valid percent-encoded path segment', source: 'path' }]);
      return [name, value];
    }),
  );
}

/** The text percent-decoded, or undefined when its escapes are not valid UTF-8. */
function decodeOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
