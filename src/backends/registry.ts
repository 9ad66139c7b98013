import type { Backend } from './backend.js';
import { KonnectBackend } from './konnect/backend.js';
import { KonnectClassicBackend } from './konnect/classic/backend.js';
import type { KonnectOptions } from './konnect/connection.js';
import type { KonnectClientHooks } from './konnect/konnect-clients.js';
import { LocalBackend } from './local/local-backend.js';

/** What opening a backend may need from the command line (each backend reads its own). */
export interface BackendSettings extends KonnectOptions {
  /** local: the state file. */
  state: string;
  /** konnect: the config paths of the run (its `portal`, when --portal is not given). */
  configPaths?: readonly string[];
  /** konnect: the environment (KONNECT_TOKEN, KONNECT_PORTAL_EMAIL, KONNECT_PORTAL_PASSWORD). */
  env?: NodeJS.ProcessEnv;
  /** konnect: a line per request (--debug), and test hooks. */
  hooks?: KonnectClientHooks;
  /** konnect-classic: --namespace, which owns the session developer's applications (before the config is read). */
  namespace?: string;
}

/** Every backend this build can open, by its --backend name. */
export const BACKENDS = {
  local: (settings: BackendSettings): Backend => new LocalBackend(settings.state),
  konnect: (settings: BackendSettings): Backend => new KonnectBackend(settings, settings.env ?? process.env, settings.hooks ?? {}, settings.configPaths ?? []),
  'konnect-classic': (settings: BackendSettings): Backend =>
    new KonnectClassicBackend(settings, settings.env ?? process.env, settings.hooks ?? {}, settings.configPaths ?? []),
} as const satisfies Record<string, (settings: BackendSettings) => Backend>;

export type BackendName = keyof typeof BACKENDS;
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

export function openBackend(name: BackendName, settings: BackendSettings): Backend {
  return BACKENDS[name](settings);
}
