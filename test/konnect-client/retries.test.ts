import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpError, UnreachableError } from '../../src/backends/konnect/http-errors.js';
import { backoffDelayMs, parseRetryAfter } from '../../src/backends/konnect/retry-policy.js';
import { clientsFor, drop, failure, FAST_RETRY, json, stubServer } from './stub-server.js';

const problem = (status: number, title: string) => ({ status, title, instance: 'kong:trace:1', detail: title });

/** A stub that answers the first `failures` requests with `fail`, then 200 `{ok: true}`. */
async function flaky(failures: number, fail: Parameters<typeof stubServer>[0]) {
  let seen = 0;
  return stubServer((req, res) => {
    if (seen++ < failures) return fail(req, res);
    json(res, 200, { ok: true });
  });
}

describe('retries', () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET after ${status} and returns the answer that follows`, async () => {
      const stub = await flaky(2, (_req, res) => json(res, status, problem(status, 'Transient')));
      const clients = clientsFor(stub.url);
      expect(await clients.admin.get('/v3/apis')).toEqual({ ok: true });
      expect(stub.requests).toHaveLength(3);
      expect(clients.counters).toEqual({ requests: 3, retried: 2 });
    });
  }

  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    it(`retries a ${method} after a dropped connection`, async () => {
      const stub = await flaky(1, (_req, res) => drop(res));
      const { admin } = clientsFor(stub.url);
      await admin.request(method, '/v3/apis/1', method === 'DELETE' ? {} : { body: { name: 'x' } });
      expect(stub.requests.map((r) => r.method)).toEqual([method, method]);
    });
  }

  it('honours Retry-After in seconds on a 429', async () => {
    const stub = await flaky(1, (_req, res) => json(res, 429, problem(429, 'Too Many Requests'), { 'Retry-After': '2' }));
    const clients = clientsFor(stub.url);
    await clients.admin.get('/v3/apis');
    expect(clients.sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const stub = await flaky(1, (_req, res) => json(res, 503, problem(503, 'Unavailable'), { 'Retry-After': 'Thu, 01 Jan 2026 00:00:03 GMT' }));
    const clients = clientsFor(stub.url, {}, { now: () => now });
    await clients.admin.get('/v3/apis');
    expect(clients.sleeps).toEqual([3000]);
  });

  it('really waits for a (small) Retry-After before the next attempt', async () => {
    const stub = await flaky(1, (_req, res) => json(res, 429, problem(429, 'Too Many Requests'), { 'Retry-After': '1' }));
    const clients = clientsFor(stub.url, {}, { sleep: undefined, retry: { ...FAST_RETRY, maxRetryAfterMs: 150 } });
    const started = Date.now();
    await clients.admin.get('/v3/apis');
    // Retry-After 1 s, cut to the policy's 150 ms cap: the retry came no earlier than that.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(stub.requests).toHaveLength(2);
  });

  it('backs off exponentially up to the cap, then gives up with one line naming the attempts', async () => {
    const stub = await stubServer((_req, res) => json(res, 503, problem(503, 'Service Unavailable')));
    const clients = clientsFor(stub.url, {}, { retry: { attempts: 6, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 1000 } });
    const error = await failure(clients.admin.get('/v3/apis'));
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe('GET /v3/apis: 503 Service Unavailable (after 6 attempts)');
    // random() = 1: each wait is the ceiling, doubling from 10 ms and capped at 40 ms.
    expect(clients.sleeps).toEqual([10, 20, 40, 40, 40]);
    expect(stub.requests).toHaveLength(6);
    expect(clients.counters).toEqual({ requests: 6, retried: 5 });
  });

  it('draws each wait uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelayMs(FAST_RETRY, 2, undefined, () => 0)).toBe(0);
    expect(backoffDelayMs(FAST_RETRY, 2, undefined, () => 0.5)).toBe(20);
    expect(backoffDelayMs(FAST_RETRY, 30, undefined, () => 0.999)).toBeLessThan(FAST_RETRY.maxDelayMs);
  });

  it('cuts a huge Retry-After to the cap, and ignores one it cannot read', () => {
    expect(backoffDelayMs(FAST_RETRY, 0, 3_600_000, Math.random)).toBe(FAST_RETRY.maxRetryAfterMs);
    expect(parseRetryAfter('soon-ish', 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', 5000)).toBe(0);
  });

  it('retries a 500 to a read (repeating a GET changes nothing), not to a write (it may have landed)', async () => {
    let seen = 0;
    // The first GET and every PATCH fail.
    const stub = await stubServer((req, res) => (req.method === 'PATCH' || seen++ === 0 ? json(res, 500, problem(500, 'Internal Server Error')) : json(res, 200, { ok: true })));
    const clients = clientsFor(stub.url);
    expect(await clients.admin.get('/v3/apis')).toEqual({ ok: true });
    expect(stub.requests).toHaveLength(2);
    const write = await failure(clients.admin.patch('/v3/apis/1', { name: 'x' }));
    expect(stub.requests).toHaveLength(3);
    expect(write).toBeInstanceOf(HttpError);
  });

  for (const status of [400, 401, 403, 404, 409]) {
    it(`does not retry a ${status}`, async () => {
      const stub = await stubServer((_req, res) => json(res, status, problem(status, 'No')));
      const clients = clientsFor(stub.url);
      const error = await failure(clients.admin.get('/v3/apis/1'));
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(status);
      expect(stub.requests).toHaveLength(1);
      expect(clients.sleeps).toEqual([]);
    });
  }

  it('gives up a request that gets no answer within the timeout, and retries it', async () => {
    let seen = 0;
    const stub = await stubServer((_req, res) => {
      // The first request hangs; the second is answered.
      if (seen++ === 0) return;
      json(res, 200, { ok: true });
    });
    const clients = clientsFor(stub.url, { timeoutMs: 100 });
    const started = Date.now();
    expect(await clients.admin.get('/v3/apis')).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stub.requests).toHaveLength(2);
    expect(clients.debugLines.some((l) => l.includes('no answer within 100 ms'))).toBe(true);
  });

  it('times out a body that stops half way, too', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"data": [');
    });
    const error = await failure(clientsFor(stub.url, { timeoutMs: 80 }).admin.get('/v3/apis'));
    expect((error as Error).message).toBe('GET /v3/apis: no answer within 80 ms (after 4 attempts)');
    expect(stub.requests).toHaveLength(4);
  });

  it('a connection refused on every attempt is one line', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await failure(clientsFor(`http://127.0.0.1:${port}`).admin.get('/v3/apis'));
    expect((error as Error).message).toBe('GET /v3/apis: connection refused (ECONNREFUSED) (after 4 attempts)');
  });
});
