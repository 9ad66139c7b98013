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
/**
 * How a developer who is not there comes to be on each backend's portal: `invite`, the backend creates
 * them; `sign-up`, only the developer can (the classic admin API invites no one), so a test signs
 * them up (signUp) and the backend refuses a create.
 */
export const DEVELOPERS_JOIN: { [B in BackendName]: 'invite' | 'sign-up' } = {
  local: 'invite',
  konnect: 'invite',
  'konnect-classic': 'sign-up',
};
const emulators: RunningEmulator[] = [];
const emulatorOf = new WeakMap<Backend, RunningEmulator>();

/** A developer signs up on a backend's portal (its emulator's state), pending approval, as on a portal that does not auto-approve developers. */
export function signUp(backend: Backend, email: string, fullName: string): void {
  const emu = emulatorOf.get(backend);
  if (emu === undefined) throw new Error(`no emulator behind ${backend.target} to sign ${email} up on`);
  emu.state.engine.create('developers', { portal_id: emu.portalId, email, full_name: fullName, status: 'pending', password_hash: null });
}
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
    const backend = BACKENDS['konnect-classic']({
      state: '',
      konnectUrl: emu.adminUrl,
      portalUrl: emu.portalUrl,
      env: { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEVELOPER.email, KONNECT_PORTAL_PASSWORD: DEVELOPER.password },
    });
    emulatorOf.set(backend, emu);
    return backend;
  },
};
