import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/backends/backend.js';
import { HttpError } from '../../src/backends/konnect/http-errors.js';
import { clientsFor, drop, failure, json, stubServer, TOKEN } from './stub-server.js';

async function errorOf(promise: Promise<unknown>): Promise<HttpError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(BackendError);
  return error as HttpError;
}

describe('error answers are one line', () => {
  it('problem+json with invalid_parameters: method, path, status, title, detail, each field and reason', async () => {
    const stub = await stubServer((_req, res) =>
      json(res, 400, {
        status: 400,
        title: 'Invalid Request',
        instance: 'kong:trace:123',
        detail: 'Invalid Parameters',
        invalid_parameters: [
          { field: 'my_property', rule: 'unknown_property', reason: '"my_property" is not allowed', source: 'body' },
          { field: 'auth_strategy_id', rule: 'is_uuid', reason: '"auth_strategy_id" must be a valid UUID', source: 'body' },
        ],
      }),
    );
    const error = await errorOf(clientsFor(stub.url).admin.postOnce('/v3/portals/p/applications', { my_property: 1 }));
    expect(error.message).toBe(
      'POST /v3/portals/p/applications: 400 Invalid Request: Invalid Parameters; my_property: "my_property" is not allowed; auth_strategy_id: "auth_strategy_id" must be a valid UUID',
    );
    expect(error.status).toBe(400);
    expect(error.problem?.invalid_parameters).toHaveLength(2);
  });

  it('a title that repeats the detail is said once', async () => {
    const stub = await stubServer((_req, res) => json(res, 404, { status: 404, title: 'Not Found', instance: 'x', detail: 'Not Found' }));
    const error = await errorOf(clientsFor(stub.url).admin.get('/v3/apis/42'));
    expect(error.message).toBe('GET /v3/apis/42: 404 Not Found');
    expect(error.status).toBe(404);
  });

  it('a 409 keeps its detail', async () => {
    const stub = await stubServer((_req, res) =>
      json(res, 409, { status: 409, title: 'Conflict', instance: 'x', detail: 'Developer with the given email already exists' }),
    );
    expect((await errorOf(clientsFor(stub.url).admin.postOnce('/v3/portals/p/developers', {}))).message).toBe(
      'POST /v3/portals/p/developers: 409 Conflict: Developer with the given email already exists',
    );
  });

  it('a 401 on the admin API says where to look', async () => {
    const stub = await stubServer((_req, res) => json(res, 401, { status: 401, title: 'Unauthorized', instance: 'x', detail: 'Unauthorized' }));
    expect((await errorOf(clientsFor(stub.url).admin.get('/v3/portals'))).message).toBe(
      'GET /v3/portals: 401 Unauthorized (check KONNECT_TOKEN, and --region or --konnect-url)',
    );
  });

  it('a plain-text body: status and its first line', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('upstream exploded\nstack trace line 2');
    });
    expect((await errorOf(clientsFor(stub.url).admin.get('/v3/apis'))).message).toBe('GET /v3/apis: 500 Internal Server Error: upstream exploded (after 4 attempts)');
  });

  it('an HTML page is left out', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>Forbidden</h1></body></html>');
    });
    expect((await errorOf(clientsFor(stub.url).admin.get('/v3/apis'))).message).toBe('GET /v3/apis: 403 Forbidden');
  });

  it('an empty error body is the status', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    expect((await errorOf(clientsFor(stub.url).admin.delete('/v3/apis/1'))).message).toBe('DELETE /v3/apis/1: 404 Not Found');
  });

  it('a 2xx that is not JSON is an error, not a crash', async () => {
    const stub = await stubServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login</html>');
    });
    expect((await errorOf(clientsFor(stub.url).admin.get('/v3/apis'))).message).toBe('GET /v3/apis: 200 answer is not JSON');
  });

  it('a redirect is not followed (it could carry the token elsewhere)', async () => {
    const elsewhere = await stubServer((_req, res) => json(res, 200, {}));
    const stub = await stubServer((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}/steal?x=1` });
      res.end();
    });
    const error = await errorOf(clientsFor(stub.url).admin.get('/v3/apis'));
    expect(error.message).toBe(`GET /v3/apis: 302 redirect to ${elsewhere.url}/steal, not followed`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('control characters in an answer cannot forge a second line', async () => {
    const stub = await stubServer((_req, res) =>
      json(res, 409, { status: 409, title: 'Conflict', instance: 'x', detail: 'taken\nerror: forged line \u001b[31mred' }),
    );
    const error = await errorOf(clientsFor(stub.url).admin.postOnce('/v3/apis', {}));
    expect(error.message).not.toMatch(/[\n\u001b]/);
    expect(error.message).toContain('taken\\nerror: forged line');
  });
});

describe('the token never shows', () => {
  it('sends it as a bearer token', async () => {
    const stub = await stubServer((_req, res) => json(res, 200, {}));
    await clientsFor(stub.url).admin.get('/v3/apis');
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('not in an error or debug line, even when the server echoes it back', async () => {
    const stub = await stubServer((req, res) => {
      const echo = String(req.headers.authorization);
      if (req.path === '/retry') return json(res, 503, { status: 503, title: echo, instance: 'x', detail: echo });
      if (req.path === '/text') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return res.end(`you sent ${echo}`);
      }
      if (req.path === '/drop') return drop(res);
      json(res, 400, { status: 400, title: 'Bad', instance: 'x', detail: echo, invalid_parameters: [{ field: echo, reason: echo }] });
    });
    const clients = clientsFor(stub.url);
    const messages: string[] = [];
    for (const path of ['/retry', '/text', '/drop', '/bad']) {
      const error = await failure(clients.admin.get(path));
      messages.push((error as Error).message, inspect(error), JSON.stringify(error));
    }
    const everything = [...messages, ...clients.debugLines].join('\n');
    expect(clients.debugLines.length).toBeGreaterThan(4);
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('(secret)');
  });

  it('not in the connection object when printed or serialised', () => {
    const clients = clientsFor('http://127.0.0.1:9');
    expect(inspect(clients, { depth: 10 })).not.toContain(TOKEN);
    expect(JSON.stringify(clients.admin)).not.toContain(TOKEN);
  });
});
