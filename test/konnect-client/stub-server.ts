import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { connectionFromOptions, type KonnectOptions } from '../../src/backends/konnect/connection.js';
import { openKonnectClients, type KonnectClientHooks } from '../../src/backends/konnect/konnect-clients.js';
import type { RetryPolicy } from '../../src/backends/konnect/retry-policy.js';

/** A request as the stub saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query, decoded. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => unknown;

export interface Stub {
  url: string;
  requests: SeenRequest[];
  /** The most requests that were being handled at one time. */
  maxInFlight: number;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** A node:http server on 127.0.0.1, port 0, closed after the test. */
export async function stubServer(handler: Handler): Promise<Stub> {
  const stub: Stub = { url: '', requests: [], maxInFlight: 0 };
  let inFlight = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://stub');
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: decodeURIComponent(req.url ?? ''),
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      stub.requests.push(seen);
      inFlight++;
      stub.maxInFlight = Math.max(stub.maxInFlight, inFlight);
      const done = () => {
        inFlight--;
      };
      res.on('close', done);
      Promise.resolve(handler(seen, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return stub;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const problem = status >= 400;
  res.writeHead(status, { 'Content-Type': problem ? 'application/problem+json' : 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Closes the connection without an answer. */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}

export const TOKEN = 'kpat_0123456789abcdefSECRETTOKEN';

/** A retry policy whose waits are recorded, not slept: tests stay fast and can assert the delays. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 60_000 };

export interface TestClients extends ReturnType<typeof openKonnectClients> {
  sleeps: number[];
  debugLines: string[];
}

/** Clients on the stub with the test token, recorded sleeps and debug lines. */
export function clientsFor(url: string, options: Partial<KonnectOptions> = {}, hooks: KonnectClientHooks = {}, env: NodeJS.ProcessEnv = {}): TestClients {
  const sleeps: number[] = [];
  const debugLines: string[] = [];
  const connection = connectionFromOptions({ konnectUrl: url, ...options }, { KONNECT_TOKEN: TOKEN, ...env });
  const clients = openKonnectClients(connection, {
    retry: FAST_RETRY,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    debug: (line) => debugLines.push(line),
    ...hooks,
  });
  return Object.assign(clients, { sleeps, debugLines });
}

/** The error `promise` rejects with (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}
