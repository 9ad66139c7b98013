import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import { CLASSIC_ROUTES } from './classic/index.js';
import type { ExchangeListener } from './exchanges.js';
import { Faults } from './faults.js';
import { createGateway } from './gateway.js';
import { apiRoutes } from './routes/apis.js';
import { applicationRoutes } from './routes/applications.js';
import { authStrategyRoutes } from './routes/auth-strategies.js';
import { credentialRoutes } from './routes/credentials.js';
import { developerSessionRoutes } from './routes/developer-session.js';
import { developerRoutes } from './routes/developers.js';
import { teamRoleRoutes } from './routes/team-roles.js';
import { teamRoutes } from './routes/teams.js';
import { portalRoutes } from './routes/portals.js';
import { publicationRoutes } from './routes/publications.js';
import { registrationRoutes } from './routes/registrations.js';
import { createApiServer } from './server.js';
import { EmulatorState, type SeedDeveloper } from './state.js';

/** Which of Konnect's Dev Portals the emulator serves: v3 (MAPPING 6.1) or classic, v2 (6.2). One per start (6.4). */
export type Flavour = 'v3' | 'classic';
export const FLAVOURS: readonly Flavour[] = ['v3', 'classic'];

export interface EmulatorOptions {
  /** Default v3. */
  flavour?: Flavour;
  /** The admin and portal API's port (0: any free one). */
  port?: number;
  /** The gateway's port (0: any free one); absent: no gateway. */
  gatewayPort?: number;
  /** The state file (the local backend's format); absent: in memory only. */
  state?: string;
  /** The admin bearer token; absent: a generated `kpat_…` token (see the result's `token`). */
  token?: string;
  developers?: readonly SeedDeveloper[];
  latencyMs?: number;
  /** The share of requests that fail (0..1). */
  failRate?: number;
  seed?: number;
  /** The POSTs (counted from 1) whose answer is lost after they were handled: the connection is reset. */
  losePostAnswers?: readonly number[];
  /** Seconds in the Retry-After of an injected 429 (default 1). */
  retryAfterSeconds?: number;
  /** Told every exchange of the admin and portal API (the contract test's recorder); see also observeExchanges. */
  onExchange?: ExchangeListener;
}

export interface RunningEmulator {
  /** The admin API's base URL (`/v2/…` and `/v3/…` below it): --konnect-url. */
  adminUrl: string;
  /** The Portal API's base URL (`/api/v3/…`, classic: `/api/v2/…` below it): --portal-url. The same server as the admin API. */
  portalUrl: string;
  gatewayUrl?: string;
  token: string;
  flavour: Flavour;
  portalId: string;
  state: EmulatorState;
  /** The injected faults, with their counts. */
  faults: Faults;
  stop(): Promise<void>;
}

/** Every route of the v3 subset (MAPPING 6.1). */
const V3_ROUTES = [
  ...portalRoutes,
  ...authStrategyRoutes,
  ...apiRoutes,
  ...publicationRoutes,
  ...developerRoutes,
  ...teamRoutes,
  ...teamRoleRoutes,
  ...applicationRoutes,
  ...registrationRoutes,
  ...credentialRoutes,
  ...developerSessionRoutes,
];

/** Starts the emulator on loopback: the admin and portal API on one port, the gateway on another. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const failRate = options.failRate ?? 0;
  const flavour = options.flavour ?? 'v3';
  if (!FLAVOURS.includes(flavour)) throw new UserError(`--flavour ${String(flavour)}: expected ${FLAVOURS.join(' or ')}`);
  if (!(failRate >= 0 && failRate <= 1)) throw new UserError(`--fail-rate must be between 0 and 1, not ${failRate}`);
  const state = await EmulatorState.open(options.state, options.developers ?? []);
  const token = options.token ?? `kpat_${randomBytes(24).toString('base64url')}`;
  const faults = new Faults(failRate, options.seed ?? 1, new Set(options.losePostAnswers ?? []));
  const servers: Server[] = [];
  try {
    const api = createApiServer(state, flavour === 'classic' ? CLASSIC_ROUTES : V3_ROUTES, { token, latencyMs: options.latencyMs ?? 0, faults, retryAfterSeconds: options.retryAfterSeconds ?? 1, ...(options.onExchange && { onExchange: options.onExchange }) });
    servers.push(api);
    const adminUrl = await listen(api, options.port ?? 0);
    let gatewayUrl: string | undefined;
    if (options.gatewayPort !== undefined) {
      const gateway = createGateway(state);
      servers.push(gateway);
      gatewayUrl = await listen(gateway, options.gatewayPort);
    }
    let stopping: Promise<void> | undefined;
    return {
      adminUrl,
      portalUrl: adminUrl,
      ...(gatewayUrl !== undefined && { gatewayUrl }),
      token,
      flavour,
      portalId: state.portalId,
      state,
      faults,
      stop: () => (stopping ??= (async () => {
        await Promise.all(servers.map(close));
        await state.close();
      })()),
    };
  } catch (cause) {
    await Promise.all(servers.map(close));
    await state.close();
    throw cause;
  }
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => reject(new UserError(`cannot listen on 127.0.0.1:${port} (${cause.code ?? cause.message})`)));
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export type { SeedDeveloper };
export { observeExchanges, type Exchange, type ExchangeListener } from './exchanges.js';
