import { createServer, type IncomingMessage, type Server } from 'node:http';
import { hashKey } from '../backends/local/engine.js';
import { now } from '../model/clock.js';
import { ApiError, sendProblem, sendReply, unauthorized, forbidden, notFound, requestUrl } from './http.js';
import type { EmulatorState } from './state.js';

/**
 * The data plane of the seed's last step (ISSUE 8 item 6): `/<product>/<version>/…` answers 200 for
 * a key of an application with an approved registration to that version, 401 for a missing or
 * unknown (or expired) key, 403 for a known key without an approved registration, 404 for a version
 * that does not exist. The key is read from the header or query parameter named by the version's
 * strategy's key_names (`apikey` when it names none).
 */
export function createGateway(state: EmulatorState): Server {
  return createServer((req, res) => {
    req.resume();
    try {
      sendReply(res, { status: 200, body: answer(state, req) });
    } catch (cause) {
      sendProblem(res, cause instanceof ApiError ? cause : new ApiError(500, 'Internal Server Error', String(cause)));
    }
  });
}

function answer(state: EmulatorState, req: IncomingMessage) {
  const url = requestUrl(req, 'http://gateway');
  let parts: string[];
  try {
    parts = url.pathname.split('/').slice(1).map((part) => decodeURIComponent(part));
  } catch {
    throw notFound(); // escapes that are not UTF-8 name no product
  }
  const [product, version, ...rest] = parts;
  const productId = state.engine.list('products').find(([, p]) => p.name === product)?.[0];
  const found = productId === undefined ? undefined : state.engine.list('product_versions').find(([, v]) => v.product_id === productId && v.name === version);
  if (found === undefined) throw notFound();
  const [versionId, v] = found;
  const strategyId = v.registration.auth_strategy_id ?? state.engine.get('portals', state.portalId).default_application_auth_strategy_id;
  const strategy = strategyId !== null && state.engine.has('auth_strategies', strategyId) ? state.engine.get('auth_strategies', strategyId) : undefined;
  const keyNames = (strategy?.config?.key_names as string[] | undefined) ?? ['apikey'];
  const key = keyIn(req, url, keyNames);
  if (key === undefined) throw unauthorized('Unauthorized', 'No API key found in request');
  const hash = hashKey(key);
  const credential = state.engine.list('credentials').find(([, c]) => c.key_hash === hash)?.[1];
  if (credential === undefined || (credential.expires_at !== undefined && Date.parse(credential.expires_at) <= now().getTime())) {
    throw unauthorized('Unauthorized', 'Invalid authentication credentials');
  }
  const approved = state.engine.list('registrations').some(([, r]) => r.application_id === credential.application_id && r.product_version_id === versionId && r.status === 'approved');
  if (!approved) throw forbidden('You cannot consume this service');
  const application = state.engine.get('applications', credential.application_id);
  return { product, version, path: `/${rest.join('/')}`, application: { id: credential.application_id, name: application.name } };
}

function keyIn(req: IncomingMessage, url: URL, names: readonly string[]): string | undefined {
  for (const name of names) {
    const header = req.headers[name.toLowerCase()];
    const value = Array.isArray(header) ? header[0] : header;
    if (value) return value;
    const query = url.searchParams.get(name);
    if (query) return query;
  }
  return undefined;
}
