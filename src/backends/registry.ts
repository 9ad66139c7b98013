import type { Backend } from './backend.js';
import { LocalBackend } from './local/local-backend.js';

/** What opening a backend may need from the command line (each backend reads its own). */
export interface BackendSettings {
  /** local: the state file. */
  state: string;
}

/** Every backend this build can open, by its --backend name. */
export const BACKENDS = {
  local: (settings: BackendSettings): Backend => new LocalBackend(settings.state),
} as const satisfies Record<string, (settings: BackendSettings) => Backend>;

export type BackendName = keyof typeof BACKENDS;
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

export function openBackend(name: BackendName, settings: BackendSettings): Backend {
  return BACKENDS[name](settings);
}
