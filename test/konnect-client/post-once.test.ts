import { describe, expect, it } from 'vitest';
import { HttpError, OutcomeUnknownError, UnreachableError } from '../../src/backends/konnect/http-errors.js';
import { clientsFor, drop, failure, json, type SeenRequest, stubServer } from './stub-server.js';
import type { ServerResponse } from 'node:http';

interface App {
  id: string;
  name: string;
}

/**
 * A collection of applications: POST creates (and then does what `afterCreate` says: answer, drop the
 * connection, time out…), GET lists them.
 */
async function applications(onPost: (n: number, req: SeenRequest, res: ServerResponse, create: () => App) => void) {
  const apps: App[] = [];
  let posts = 0;
  const stub = await stubServer((req, res) => {
    if (req.method === 'POST') {
      const create = () => {
        const app = { id: `app-${apps.length + 1}`, name: (JSON.parse(req.body) as { name: string }).name };
        apps.push(app);
        return app;
      };
      return onPost(++posts, req, res, create);
    }
    json(res, 200, { data: apps, meta: { page: { number: 1, size: 100, total: apps.length } } });
  });
  return { stub, apps, posts: () => stub.requests.filter((r) => r.method === 'POST').length };
}

describe('a POST is never repeated blindly', () => {
  for (const [what, fail] of [
    ['a dropped connection', (res: ServerResponse) => drop(res)],
    ['503', (res: ServerResponse) => json(res, 503, { status: 503, title: 'Service Unavailable', detail: 'busy', instance: 'x' })],
    ['429', (res: ServerResponse) => json(res, 429, { status: 429, title: 'Too Many Requests', detail: 'slow down', instance: 'x' })],
  ] as const) {
    it(`postOnce after ${what}: sent once, and the error says the outcome is unknown`, async () => {
      const { stub, posts } = await applications((_n, _req, res) => fail(res));
      const clients = clientsFor(stub.url);
      const error = await failure(clients.admin.postOnce('/v3/portals/p/applications', { name: 'a' }));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as Error).message).toMatch(/^POST \/v3\/portals\/p\/applications: .*; the object may or may not have been created$/);
      expect(posts()).toBe(1);
      expect(clients.sleeps).toEqual([]);
    });
  }

  it('postOnce after a timeout: sent once', async () => {
    const { stub, posts } = await applications(() => {});
    const error = await failure(clientsFor(stub.url, { timeoutMs: 80 }).admin.postOnce('/v3/portals/p/applications', { name: 'a' }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toContain('no answer within 80 ms');
    expect(posts()).toBe(1);
  });

  it('sends the body as JSON with Content-Type application/json', async () => {
    const { stub } = await applications((_n, _req, res, create) => json(res, 201, create()));
    const created = await clientsFor(stub.url).admin.postOnce<App>('/v3/portals/p/applications', { name: 'a' });
    expect(created).toEqual({ id: 'app-1', name: 'a' });
    const [post] = stub.requests;
    expect(post!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post!.body)).toEqual({ name: 'a' });
  });

  it('createIdempotently: the create landed but the connection dropped → found by re-listing, not created again', async () => {
    const { stub, apps, posts } = await applications((_n, _req, res, create) => {
      create();
      drop(res);
    });
    const clients = clientsFor(stub.url);
    const { admin } = clients;
    const app = await admin.createIdempotently(
      () => admin.postOnce<App>('/v3/portals/p/applications', { name: 'mobile' }),
      async () => (await admin.listAll<App>('/v3/portals/p/applications')).find((a) => a.name === 'mobile'),
    );
    expect(app).toEqual({ id: 'app-1', name: 'mobile' });
    expect(posts()).toBe(1);
    expect(apps).toHaveLength(1);
    expect(clients.sleeps).toHaveLength(1);
  });

  it('createIdempotently: the create did not land → re-listed, not there, sent again, created once', async () => {
    const { stub, apps, posts } = await applications((n, _req, res, create) => {
      if (n === 1) return drop(res);
      json(res, 201, create());
    });
    const clients = clientsFor(stub.url);
    const { admin } = clients;
    const app = await admin.createIdempotently(
      () => admin.postOnce<App>('/v3/portals/p/applications', { name: 'mobile' }),
      async () => (await admin.listAll<App>('/v3/portals/p/applications')).find((a) => a.name === 'mobile'),
    );
    expect(app).toEqual({ id: 'app-1', name: 'mobile' });
    expect(posts()).toBe(2);
    expect(apps).toHaveLength(1);
    expect(stub.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
    expect(clients.counters).toEqual({ requests: 3, retried: 1 });
  });

  it('createIdempotently honours a 429 Retry-After before looking again', async () => {
    const { stub } = await applications((n, _req, res, create) => {
      if (n === 1) return json(res, 429, { status: 429, title: 'Too Many Requests', detail: 'x', instance: 'x' }, { 'Retry-After': '3' });
      json(res, 201, create());
    });
    const clients = clientsFor(stub.url);
    const { admin } = clients;
    await admin.createIdempotently(
      () => admin.postOnce<App>('/v3/portals/p/applications', { name: 'm' }),
      async () => (await admin.listAll<App>('/v3/portals/p/applications')).find((a) => a.name === 'm'),
    );
    expect(clients.sleeps).toEqual([3000]);
  });

  it('createIdempotently: an answer such as 409 is thrown as it is, without re-listing', async () => {
    const { stub } = await applications((_n, _req, res) =>
      json(res, 409, { status: 409, title: 'Conflict', detail: 'Application with reference ID already exists', instance: 'x' }),
    );
    const { admin } = clientsFor(stub.url);
    let looked = 0;
    const error = await failure(
      admin.createIdempotently(
        () => admin.postOnce<App>('/v3/portals/p/applications', { name: 'm' }),
        async () => {
          looked++;
          return undefined;
        },
      ),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(409);
    expect(looked).toBe(0);
    expect(stub.requests).toHaveLength(1);
  });

  it('createIdempotently gives up after the policy’s attempts, saying the object was not created', async () => {
    const { stub, posts } = await applications((_n, _req, res) => drop(res));
    const { admin } = clientsFor(stub.url);
    const error = await failure(
      admin.createIdempotently(
        () => admin.postOnce<App>('/v3/portals/p/applications', { name: 'm' }),
        async () => (await admin.listAll<App>('/v3/portals/p/applications')).find((a) => a.name === 'm'),
      ),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe('POST /v3/portals/p/applications: connection closed without an answer (ECONNRESET) (after 4 attempts; the object was not created)');
    expect(posts()).toBe(4);
  });
});
