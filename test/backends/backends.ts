import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { BACKENDS, type BackendName } from '../../src/backends/registry.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { tempDir } from '../helpers/cli.js';

/** Opens a fresh, empty portal of one backend. */
export type OpenEmpty = () => Promise<Backend>;

const TOKEN = 'kpat_contract';
const DEVELOPER = { email: 'dev@example.com', password: 'pw-contract' };
/** An application owner every backend under test knows: the developer a Konnect emulator starts with. */
export const KNOWN_OWNER = { type: 'developer', name: DEVELOPER.email } as const;
/** What a fresh portal holds besides its settings: a Konnect emulator starts with its session developer. */
export const STARTS_WITH = `developer.${DEVELOPER.email}`;
/** The people kinds each backend manages (the others it lists as none and refuses to write). */
export const PEOPLE_HELD: { [B in BackendName]: readonly ('developer' | 'team' | 'team_member' | 'team_role')[] } = {
  local: ['developer', 'team', 'team_member', 'team_role'],
  konnect: ['developer', 'team', 'team_member', 'team_role'],
  'konnect-classic': [],
};
const emulators: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

/**
 * Every backend the contract suite runs against, by registry name: a backend in the registry without
 * an entry here is a type error. A Konnect backend opens against a fresh emulator.
 */
export const UNDER_TEST: { [B in BackendName]: OpenEmpty } = {
  local: async () => BACKENDS.local({ state: join(await tempDir(), 'state.json') }),
  konnect: async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEVELOPER] });
    emulators.push(emu);
    return BACKENDS.konnect({
      state: '',
      konnectUrl: emu.adminUrl,
      portalUrl: emu.portalUrl,
      env: { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEVELOPER.email, KONNECT_PORTAL_PASSWORD: DEVELOPER.password },
    });
  },
  'konnect-classic': async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEVELOPER], flavour: 'classic' });
    emulators.push(emu);
    return BACKENDS['konnect-classic']({
      state: '',
      konnectUrl: emu.adminUrl,
      portalUrl: emu.portalUrl,
      env: { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEVELOPER.email, KONNECT_PORTAL_PASSWORD: DEVELOPER.password },
    });
  },
};
