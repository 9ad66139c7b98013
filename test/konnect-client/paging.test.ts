import { describe, expect, it } from 'vitest';
import { clientsFor, json, stubServer } from './stub-server.js';

/** `count` items with distinct ids. */
function items(count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `id-${i}` }));
}

function pageOf(all: Array<{ id: string }>, number: number, size: number) {
  return all.slice((number - 1) * size, number * size);
}

describe('listAll', () => {
  it('sends page[size]=100 and page[number]=1,2,… and stops when number*size reaches total (250 items: 3 requests)', async () => {
    const all = items(250);
    const stub = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      const size = Number(req.query.get('page[size]'));
      json(res, 200, { data: pageOf(all, number, size), meta: { page: { number, size, total: all.length } } });
    });
    const { admin } = clientsFor(stub.url);
    const got = await admin.listAll<{ id: string }>('/v3/portals/p/applications');
    expect(got.map((x) => x.id)).toEqual(all.map((x) => x.id));
    expect(stub.requests.map((r) => r.url)).toEqual([
      '/v3/portals/p/applications?page[size]=100&page[number]=1',
      '/v3/portals/p/applications?page[size]=100&page[number]=2',
      '/v3/portals/p/applications?page[size]=100&page[number]=3',
    ]);
  });

  it('stops at total even when the last page is full (200 items: 2 requests, not a third empty one)', async () => {
    const all = items(200);
    const stub = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      json(res, 200, { data: pageOf(all, number, 100), meta: { page: { number, size: 100, total: 200 } } });
    });
    const got = await clientsFor(stub.url).admin.listAll('/v3/apis');
    expect(got).toHaveLength(200);
    expect(stub.requests).toHaveLength(2);
  });

  it('stops at a short page when there is no total (150 items: 2 requests)', async () => {
    const all = items(150);
    const stub = await stubServer((req, res) => {
      json(res, 200, { data: pageOf(all, Number(req.query.get('page[number]')), 100) });
    });
    expect(await clientsFor(stub.url).admin.listAll('/v3/apis')).toHaveLength(150);
    expect(stub.requests).toHaveLength(2);
  });

  it('stops at an empty page when neither total nor a short page says so (100 items: 2 requests)', async () => {
    const all = items(100);
    const stub = await stubServer((req, res) => {
      json(res, 200, { data: pageOf(all, Number(req.query.get('page[number]')), 100), meta: { page: {} } });
    });
    expect(await clientsFor(stub.url).admin.listAll('/v3/apis')).toHaveLength(100);
    expect(stub.requests).toHaveLength(2);
  });

  it('an empty collection is one request', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, { data: [], meta: { page: { number: 1, size: 100, total: 0 } } }));
    expect(await clientsFor(stub.url).admin.listAll('/v3/apis')).toEqual([]);
    expect(stub.requests).toHaveLength(1);
  });

  it('does not end early when the server caps the page size lower than asked (it says so in meta)', async () => {
    const all = items(120);
    const stub = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      json(res, 200, { data: pageOf(all, number, 50), meta: { page: { number, size: 50, total: 120 } } });
    });
    expect(await clientsFor(stub.url).admin.listAll('/v3/apis')).toHaveLength(120);
    expect(stub.requests).toHaveLength(3);
  });

  it('sends filters in deepObject style, values encoded, next to the paging parameters', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, { data: [], meta: { page: { number: 1, size: 100, total: 0 } } }));
    await clientsFor(stub.url).admin.listAll('/v3/portals', { filter: { name: { eq: 'dev portal&x' }, id: { oeq: ['a', 'b'] } } });
    const [req] = stub.requests;
    expect(req!.query.get('filter[name][eq]')).toBe('dev portal&x');
    expect(req!.query.get('filter[id][oeq]')).toBe('a,b');
    expect(req!.query.get('page[size]')).toBe('100');
  });

  it('an answer without a data list is one clear error', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, { items: [] }));
    await expect(clientsFor(stub.url).admin.listAll('/v3/apis')).rejects.toThrow(/^GET \/v3\/apis: the answer is not a list \(no "data" array\)$/);
  });

  it('1,000 objects are read in 10 list requests', async () => {
    const all = items(1000);
    const stub = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      json(res, 200, { data: pageOf(all, number, 100), meta: { page: { number, size: 100, total: 1000 } } });
    });
    const clients = clientsFor(stub.url);
    expect(await clients.admin.listAll('/v3/portals/p/applications')).toHaveLength(1000);
    expect(stub.requests).toHaveLength(10);
    expect(clients.counters).toEqual({ requests: 10, retried: 0 });
  });

  it('asks for the pages that the first page’s total implies together, within --parallelism (1,000 objects: 2 round trips)', async () => {
    const all = items(1000);
    const stub = await stubServer(async (req, res) => {
      const number = Number(req.query.get('page[number]'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      json(res, 200, { data: pageOf(all, number, 100), meta: { page: { number, size: 100, total: 1000 } } });
    });
    const clients = clientsFor(stub.url, { parallelism: 4 });
    expect((await clients.admin.listAll<{ id: string }>('/v3/portals/p/applications')).map((x) => x.id)).toEqual(all.map((x) => x.id));
    expect(stub.requests).toHaveLength(10);
    expect(stub.requests[0]!.query.get('page[number]')).toBe('1');
    expect(stub.maxInFlight).toBe(4);
  });

  it('a list that grows while it is read goes on past the first total; one that shrinks ends at its short page', async () => {
    const growing = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      const all = items(number === 1 ? 250 : 520); // 520 by the time pages 2 and 3 are read
      json(res, 200, { data: pageOf(all, number, 100), meta: { page: { number, size: 100, total: all.length } } });
    });
    expect(await clientsFor(growing.url).admin.listAll('/v3/apis')).toHaveLength(520);
    expect(growing.requests).toHaveLength(6);
    const shrinking = await stubServer((req, res) => {
      const number = Number(req.query.get('page[number]'));
      const all = items(number === 1 ? 450 : 150); // 150 by the time the other pages are read
      json(res, 200, { data: pageOf(all, number, 100), meta: { page: { number, size: 100, total: all.length } } });
    });
    expect(await clientsFor(shrinking.url).admin.listAll('/v3/apis')).toHaveLength(150);
  });
});

