import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { resolvePortal, type Portal } from '../../src/backends/konnect/portal.js';
import { clientsFor, failure, json, stubServer } from './stub-server.js';

const ID_A = '11111111-2222-4333-8444-555555555555';
const ID_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

/** An admin API holding `portals`: get by id, list filtered by `filter[name][eq]`. */
async function organisation(portals: Portal[]) {
  return stubServer((req, res) => {
    const byId = /^\/v3\/portals\/([^/]+)$/.exec(req.path);
    if (byId) {
      const found = portals.find((p) => p.id === byId[1]);
      return found ? json(res, 200, found) : json(res, 404, { status: 404, title: 'Not Found', instance: 'x', detail: 'Not Found' });
    }
    const name = req.query.get('filter[name][eq]');
    const data = name === null ? portals : portals.filter((p) => p.name === name);
    json(res, 200, { data, meta: { page: { number: 1, size: 100, total: data.length } } });
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('which portal', () => {
  it('by id: one GET of that portal', async () => {
    const stub = await organisation([{ id: ID_A, name: 'one' }, { id: ID_B, name: 'two' }]);
    expect((await resolvePortal(clientsFor(stub.url).admin, ID_B)).name).toBe('two');
    expect(stub.requests.map((r) => r.url)).toEqual([`/v3/portals/${ID_B}`]);
  });

  it('by name: one filtered list', async () => {
    const stub = await organisation([{ id: ID_A, name: 'one' }, { id: ID_B, name: 'developer-portal' }]);
    expect((await resolvePortal(clientsFor(stub.url).admin, 'developer-portal')).id).toBe(ID_B);
    expect(stub.requests.map((r) => r.url)).toEqual(['/v3/portals?filter[name][eq]=developer-portal&page[size]=100&page[number]=1']);
  });

  it('a name that looks like an id is found by name after the id is not', async () => {
    const stub = await organisation([{ id: ID_A, name: ID_B }]);
    expect((await resolvePortal(clientsFor(stub.url).admin, ID_B)).id).toBe(ID_A);
  });

  it('neither given and exactly one portal: that one', async () => {
    const stub = await organisation([{ id: ID_A, name: 'default' }]);
    expect((await resolvePortal(clientsFor(stub.url).admin, undefined)).id).toBe(ID_A);
  });

  it('neither given and several portals: one line listing their names', async () => {
    const stub = await organisation([{ id: ID_A, name: 'one' }, { id: ID_B, name: 'two' }]);
    expect(await refusal(resolvePortal(clientsFor(stub.url).admin, undefined))).toBe(
      `the organisation has 2 portals ("one", "two"): choose one with --portal or the config's portal`,
    );
  });

  it('neither given and no portal: one line', async () => {
    const stub = await organisation([]);
    expect(await refusal(resolvePortal(clientsFor(stub.url).admin, undefined))).toMatch(/^the Konnect organisation has no Dev Portal \(v3\) in this region/);
  });

  it('an unknown name or id: one line listing the names there are', async () => {
    const stub = await organisation([{ id: ID_A, name: 'one' }, { id: ID_B, name: 'two' }]);
    expect(await refusal(resolvePortal(clientsFor(stub.url).admin, 'three'))).toBe('no portal with the name or id "three" (portals: "one", "two")');
    expect(await refusal(resolvePortal(clientsFor(stub.url).admin, '99999999-2222-4333-8444-555555555555'))).toBe(
      'no portal with the name or id "99999999-2222-4333-8444-555555555555" (portals: "one", "two")',
    );
  });

  it('many names are cut', async () => {
    const many = Array.from({ length: 13 }, (_, i) => ({ id: `id-${i}`, name: `p${i}` }));
    const stub = await organisation(many);
    expect(await refusal(resolvePortal(clientsFor(stub.url).admin, undefined))).toMatch(/"p9" …and 3 more\): choose one/);
  });

  it('a refused token is the client’s one-line error, not a portal message', async () => {
    const stub = await stubServer((_req, res) => json(res, 401, { status: 401, title: 'Unauthorized', instance: 'x', detail: 'Unauthorized' }));
    const error = await failure(resolvePortal(clientsFor(stub.url).admin, 'one'));
    expect(error.message).toBe('GET /v3/portals?filter[name][eq]=one&page[size]=100&page[number]=1: 401 Unauthorized (check KONNECT_TOKEN, and --region or --konnect-url)');
  });
});
