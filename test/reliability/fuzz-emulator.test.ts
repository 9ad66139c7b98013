import { randomUUID } from 'node:crypto';
import { request as httpRequestRaw } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIC_ROUTES } from '../../src/emulator/classic/index.js';
import { apiRoutes } from '../../src/emulator/routes/apis.js';
import { applicationRoutes } from '../../src/emulator/routes/applications.js';
import { authStrategyRoutes } from '../../src/emulator/routes/auth-strategies.js';
import { credentialRoutes } from '../../src/emulator/routes/credentials.js';
import { developerSessionRoutes } from '../../src/emulator/routes/developer-session.js';
import { developerRoutes } from '../../src/emulator/routes/developers.js';
import { portalRoutes } from '../../src/emulator/routes/portals.js';
import { publicationRoutes } from '../../src/emulator/routes/publications.js';
import { registrationRoutes } from '../../src/emulator/routes/registrations.js';
import { teamRoleRoutes } from '../../src/emulator/routes/team-roles.js';
import { teamRoutes } from '../../src/emulator/routes/teams.js';
import type { Route } from '../../src/emulator/routes/route.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';
import { caseCount, recordFigures } from '../helpers/reliability.js';
import { emulatorProcess, type EmulatorProcess } from './emulator-process.js';
import { HOSTILE_NAMES } from './fuzz-inputs.js';

/**
 * Malformed requests to the emulator (RELIABILITY.md "bad input"), on every route of both flavours:
 * bad JSON, bodies of the wrong types, a body over the limit, no or the wrong content type, bad
 * query parameters, bad and hostile ids, unknown paths and methods, garbage that is not HTTP. The
 * emulator (a real process, seeded with the quickstart) must answer each with a problem+json error
 * (400, or 401/403/404/405/409/413/415 where right) or a success, never a 5xx, never crash; after
 * the storm it must still serve a normal request and a plan.
 *
 * CI sizes (PORTALCTL_HEAVY=1 in brackets): 400 (4000) requests to v3, 300 (3000) to classic, plus
 * 20 raw non-HTTP messages each. About 10 s.
 */

const TOKEN = 'kpat_fuzz_token_0123456789abcdef';
const DEV = { email: 'fuzz@example.com', password: 'fuzz-password-1' };
const REQUESTS = { v3: caseCount(400, 4000), classic: caseCount(300, 3000) };
const ROUTES: Record<'v3' | 'classic', readonly Route[]> = {
  v3: [...portalRoutes, ...authStrategyRoutes, ...apiRoutes, ...publicationRoutes, ...developerRoutes, ...teamRoutes, ...teamRoleRoutes, ...applicationRoutes, ...registrationRoutes, ...credentialRoutes, ...developerSessionRoutes],
  classic: CLASSIC_ROUTES,
};
const ALLOWED_ERRORS = new Set([400, 401, 403, 404, 405, 409, 413, 415]);

const figures: Record<string, number> = {};
const add = (key: string, n = 1) => void (figures[key] = (figures[key] ?? 0) + n);

/** Every `id` in a JSON value, to make paths that reach real records. */
function idsIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => idsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.endsWith('id') && typeof v === 'string') out.add(v);
      else idsIn(v, out);
    }
  }
  return out;
}

interface Target {
  emu: EmulatorProcess;
  /** Ids of real records, the portal's, and the session cookie of the seeded developer. */
  ids: string[];
  portalId: string;
  cookie: string;
  /** The request sent last (the one to blame when the process is gone). */
  last?: string;
}

/** An emulator process of `flavour` with the quickstart applied, its ids and a developer session. */
async function seeded(flavour: 'v3' | 'classic'): Promise<Target> {
  const emu = await emulatorProcess(['--flavour', flavour, '--token', TOKEN, '--developer', `${DEV.email}:${DEV.password}`]);
  const backend = flavour === 'v3' ? 'konnect' : 'konnect-classic';
  const env = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
  const applied = await cli(['apply', join(ROOT, 'examples/quickstart'), '--backend', backend, '--konnect-url', emu.adminUrl, '--portal-url', emu.adminUrl, '--yes', '--credentials-out', join(await tempDir(), 'c.json')], env);
  expect(applied.code, applied.stderr).toBe(0);
  const ids = new Set<string>();
  const portals = (await (await fetch(`${emu.adminUrl}/${flavour === 'v3' ? 'v3' : 'v2'}/portals`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { data: { id: string }[] };
  const portalId = portals.data[0]!.id;
  for (const route of ROUTES[flavour].filter((r) => r.method === 'GET' && r.auth === 'admin' && !/\{(?!portalId)/.test(r.path))) {
    const path = route.path.replace('{portalId}', portalId);
    idsIn(await (await fetch(emu.adminUrl + path, { headers: { authorization: `Bearer ${TOKEN}` } })).json(), ids);
  }
  const prefix = flavour === 'v3' ? '/api/v3' : '/api/v2';
  const login = await fetch(`${emu.adminUrl}${prefix}/developer/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: DEV.email, password: DEV.password }) });
  expect(login.status).toBe(204);
  return { emu, ids: [...ids], portalId, cookie: login.headers.get('set-cookie')!.split(';')[0]! };
}

const badIds = fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', randomUUID(), 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', '%00', '%2F', '..', '%2e%2e', 'a'.repeat(5000), '%E2%80%AE', '%FF', '%', '\u00e9', '-1', '1e9');
const queryValue = fc.oneof(fc.constantFrom('-1', '0', '1', '101', '1000000', 'abc', '', '1.5', '[]', '%00', 'null', 'true', 'x'.repeat(5000)), fc.string({ maxLength: 20 }));
const queryKey = fc.oneof(fc.constantFrom('page[size]', 'page[number]', 'page[after]', 'filter[name]', 'filter[name][eq]', 'filter[labels.portalctl-namespace]', 'filter[email]', 'filter[nope]', 'sort', 'sort[', 'page', 'page[size][x]', '__proto__', 'filter[__proto__]'), fc.string({ maxLength: 12 }));
interface FuzzRequest {
  route: Route;
  method: string | undefined;
  ids: string[];
  portal: string;
  unknownPath: string | null;
  query: [string, string][];
  contentType: string | undefined;
  auth: 'right' | 'wrong' | 'malformed' | 'none';
  body: { text: string | undefined; kind: string };
}

/** A body: random JSON of any shape, config-like objects with wrong types, bad JSON text, or none. */
const body = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v), kind: 'random JSON' })) },
  {
    weight: 8,
    arbitrary: fc
      .dictionary(fc.constantFrom('name', 'version', 'display_name', 'strategy_type', 'configs', 'labels', 'owner', 'auth_strategy_ids', 'auth_strategy_id', 'status', 'api_version_id', 'reference_id', 'description', 'email', 'full_name', 'role_name', 'entity_id', 'entity_type_name', 'entity_region', 'visibility', 'auto_approve_registrations', 'product_version_id', 'application_id', 'username', 'password', 'deprecated', 'publish_status', '__proto__', 'constructor'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...HOSTILE_NAMES)), { maxKeys: 8 })
      .map((v) => ({ text: JSON.stringify(v), kind: 'wrong types' })),
  },
  { weight: 4, arbitrary: fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('{', '{"a":', '[1,', 'null', '"', '{"a":1}}', '\u0000', '{"a": NaN}', '{"a": 1e999}')).map((text) => ({ text, kind: 'bad JSON' })) },
  { weight: 2, arbitrary: fc.constant({ text: undefined as string | undefined, kind: 'no body' }) },
  { weight: 1, arbitrary: fc.integer({ min: (1 << 20) + 1, max: 3 << 20 }).map((n) => ({ text: JSON.stringify({ name: 'x'.repeat(n) }), kind: 'huge body' })) },
);

function request(routes: readonly Route[], target: Target): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }),
    // Mostly real ids (the portal's for {portalId}), so that requests get past the lookups to the validation.
    ids: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...target.ids) }, { weight: 1, arbitrary: badIds }), { minLength: 4, maxLength: 4 }),
    portal: fc.oneof({ weight: 5, arbitrary: fc.constant(target.portalId) }, { weight: 1, arbitrary: badIds }),
    unknownPath: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.oneof(fc.webPath(), fc.constantFrom('/v3/nope', '/v2/portals/x/y/z/w', '/api/v3/', '//', '//x/y', '/v3/portals/%zz', '/%00')) }),
    query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/problem+json', undefined, 'multipart/form-data'),
    auth: fc.constantFrom('right', 'right', 'right', 'wrong', 'malformed', 'none'),
    body,
  });
}

/** Sends one fuzzed request; returns its status (0 when the client could not send a huge body). */
async function send(target: Target, r: FuzzRequest) {
  let i = 0;
  const id = (name: string) => (name === 'portalId' ? r.portal : r.ids[i++ % r.ids.length]!);
  let path = r.unknownPath ?? r.route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURI(id(name)).replace(/%25/g, '%'));
  if (r.query.length) path += `?${r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  const method = r.method ?? r.route.method;
  const headers: Record<string, string> = {};
  if (r.auth === 'right') Object.assign(headers, { authorization: `Bearer ${TOKEN}`, cookie: target.cookie });
  if (r.auth === 'wrong') Object.assign(headers, { authorization: 'Bearer kpat_wrong', cookie: 'portalaccesstoken=forged' });
  if (r.auth === 'malformed') Object.assign(headers, { authorization: 'Bearer', cookie: 'portalaccesstoken=%E0%A4%A; =; ;;x' });
  if (r.contentType) headers['content-type'] = r.contentType;
  const withBody = r.body.text !== undefined && !['GET', 'HEAD'].includes(method);
  try {
    return { ...(await httpRequest(target.emu.adminUrl + path, method, headers, withBody ? r.body.text : undefined)), method, path };
  } catch (cause) {
    // The emulator refuses a body over its limit as it arrives: the client may see the reset first.
    if (r.body.kind === 'huge body' && target.emu.alive()) return { status: 0, contentType: null, text: String(cause), method, path };
    // Shrinking cannot help once the process is gone: name the request that ended it.
    throw new Error(`${method} ${path.slice(0, 200)} (${r.body.kind}; ${r.contentType}; auth ${r.auth}) failed (${String(cause)}); the emulator ${target.emu.alive() ? 'runs' : 'has exited'}; the request before: ${target.last}; its stderr: ${target.emu.log().stderr.slice(0, 3000)}`);
  } finally {
    target.last = `${method} ${path.slice(0, 200)} (${r.body.kind}: ${String(r.body.text).slice(0, 100)}; ${r.contentType}; auth ${r.auth})`;
  }
}

/**
 * One request on a connection of its own (fetch would reuse a connection the server closes after
 * refusing a body it did not read, and report the reset against the next request).
 */
function httpRequest(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; contentType: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    // node sends the body of a DELETE or OPTIONS without a length unless told it: say it always.
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequestRaw(url, { method, headers: sized, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'] ?? null, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectProblem(answer: Awaited<ReturnType<typeof send>>, what: string): void {
  const context = `${what} → ${answer.status}: ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 400 || answer.method === 'HEAD') return;
  expect(ALLOWED_ERRORS.has(answer.status), context).toBe(true);
  expect(answer.contentType, context).toBe('application/problem+json');
  const problem = JSON.parse(answer.text) as { status: number; title: string; detail: string; invalid_parameters?: unknown[] };
  expect(problem.status, context).toBe(answer.status);
  expect(typeof problem.title, context).toBe('string');
  if (answer.status === 400) expect(Array.isArray(problem.invalid_parameters), context).toBe(true);
  expect(answer.text, context).not.toMatch(/\s+at .+:\d+:\d+|emulator error/);
}

/** Bytes that are not an HTTP request; the server must drop or refuse them and go on. */
async function raw(adminUrl: string, bytes: Uint8Array): Promise<void> {
  const { hostname, port } = new URL(adminUrl);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

describe('requests the fuzz found ending the emulator or answered 500 (fixed in src/emulator)', () => {
  it('a target starting with // is a path: 404 problem+json, and the process lives (it exited on a TypeError)', async () => {
    const emu = await emulatorProcess(['--token', TOKEN]);
    for (const path of ['//', '//x/y', '//v3/portals']) {
      const answer = await httpRequest(emu.adminUrl + path, 'GET', { authorization: `Bearer ${TOKEN}` }, undefined);
      expect(answer.status, path).toBe(404);
      expect(answer.contentType).toBe('application/problem+json');
      expect(emu.alive()).toBe(true);
    }
    const gateway = await httpRequest(`${emu.gatewayUrl}//billing/v1`, 'GET', {}, undefined);
    expect(gateway.status).toBe(404);
    expect(emu.alive()).toBe(true);
  });

  it('a path segment whose escapes are not UTF-8 is a 400 naming the parameter, not a 500 "URI malformed"', async () => {
    const emu = await emulatorProcess(['--token', TOKEN]);
    const answer = await httpRequest(`${emu.adminUrl}/v2/application-auth-strategies/%FF`, 'GET', { authorization: `Bearer ${TOKEN}` }, undefined);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).invalid_parameters).toEqual([{ field: 'authStrategyId', rule: 'invalid', reason: 'is not a valid percent-encoded path segment', source: 'path' }]);
    const session = await httpRequest(`${emu.adminUrl}/api/v3/developer/me`, 'GET', { cookie: 'portalaccesstoken=%E0%A4%A' }, undefined);
    expect(session.status).toBe(401);
    const gateway = await httpRequest(`${emu.gatewayUrl}/%FF/v1`, 'GET', {}, undefined);
    expect(gateway.status).toBe(404);
  });

  it('a body key named like an Object.prototype member ("constructor", "toString") is an unknown field: 400, not a 500', async () => {
    const emu = await emulatorProcess(['--token', TOKEN]);
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const body = `{"name":"x","version":"v1","${key}":{"":0}}`;
      const answer = await httpRequest(`${emu.adminUrl}/v3/apis`, 'POST', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body);
      expect(answer.status, `${key}: ${answer.text}`).toBe(400);
      expect(answer.contentType).toBe('application/problem+json');
    }
    expect(emu.alive()).toBe(true);
  });
});

describe.each(['v3', 'classic'] as const)('the %s emulator answers malformed requests with problem+json and never crashes', (flavour) => {
  it(`${REQUESTS[flavour]} fuzzed requests on every route, 20 non-HTTP messages; then it still serves`, async () => {
    const target = await seeded(flavour);
    const routes = ROUTES[flavour];
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(request(routes, target), async (r) => {
        const answer = await send(target, r);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        add(`requests_${flavour}`);
        add(`body_${r.body.kind.replace(/ /g, '_')}`);
        expectProblem(answer, `${answer.method} ${answer.path.slice(0, 200)} (${r.body.kind}, ${r.contentType ?? 'no content type'}, auth ${r.auth})`);
        expect(target.emu.alive()).toBe(true);
      }),
      { numRuns: REQUESTS[flavour] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.constantFrom('GET / HTTP/9.9\r\n\r\n', 'GET\r\n\r\n', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'POST /v2/portals HTTP/1.1\r\nContent-Length: -5\r\n\r\n', 'POST /v2/portals HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').map((t) => Buffer.from(t))), async (bytes) => {
        await raw(target.emu.adminUrl, bytes);
        add(`raw_${flavour}`);
      }),
      { numRuns: 20 },
    );
    expect(target.emu.alive(), target.emu.log().stderr).toBe(true);
    // Still serving: a normal list, and a plan over the seeded portal that reads every kind.
    const list = await fetch(`${target.emu.adminUrl}/v2/application-auth-strategies`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(200);
    const backend = flavour === 'v3' ? 'konnect' : 'konnect-classic';
    const plan = await cli(['plan', join(ROOT, 'examples/quickstart'), '--backend', backend, '--konnect-url', target.emu.adminUrl], { KONNECT_TOKEN: TOKEN });
    expect(plan.stderr).not.toMatch(/internal error|emulator error/);
    expect([0, 1]).toContain(plan.code);
    expect(target.emu.log().stderr).toBe('');
    expect(await target.emu.stop()).toBe(0);
    for (const [status, n] of Object.entries(statuses)) add(`${flavour}_status_${status}`, n);
  }, 120_000);
});

afterAll(() => {
  if (Object.keys(figures).length > 0) recordFigures('fuzz.emulator', { ...figures, server_errors: 0, crashes: 0 });
});
