import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import { BACKENDS, type BackendName } from '../../src/backends/registry.js';
import { tempDir } from '../helpers/cli.js';

/** Opens a fresh, empty portal of one backend. */
export type OpenEmpty = () => Promise<Backend>;

/**
 * Every backend the contract suite runs against, by registry name: a backend in the registry without
 * an entry here is a type error. A Konnect backend opens against a fresh emulator.
 */
export const UNDER_TEST: { [B in BackendName]: OpenEmpty } = {
  local: async () => BACKENDS.local({ state: join(await tempDir(), 'state.json') }),
};
