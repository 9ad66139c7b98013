// Portals the reliability proofs run against, each seeded with objects the runs must never touch:
// a config of another namespace, and objects nobody owns (another namespace's, with the owner label
// removed). One interface over the local backend and the emulator (v3 and classic).
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { StoreData } from '../../src/backends/local/store.js';
import { cli, tempDir, type CliResult } from '../helpers/cli.js';
import { disown, foreignConfig } from './portal-checks.js';

export const TOKEN = 'kpat_reliability';
export const DEV = { email: 'dev@example.com', password: 'pw-reliability' };
export const OTHER = { email: 'other@example.com', password: 'pw-other' };
export const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
const OTHER_ENV = { ...ENV, KONNECT_PORTAL_EMAIL: OTHER.email, KONNECT_PORTAL_PASSWORD: OTHER.password };

export type Runner = (argv: string[], env?: NodeJS.ProcessEnv) => Promise<CliResult>;

export interface Portal {
  /** The backend options that reach this portal (after the command and its paths). */
  args: string[];
  env: Record<string, string>;
  /** The portal's store as it is now. */
  data(): Promise<StoreData>;
  /** The id of the session developer (classic: owner of the namespace's applications). */
  developerId?: string;
  emulator?: RunningEmulator;
  stop(): Promise<void>;
}

async function mustApply(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const r = await cli(argv, env);
  if (r.code !== 0) throw new Error(`seeding failed (${r.code}): ${r.stdout}${r.stderr}`);
}

async function writeConfig(text: string): Promise<string> {
  const file = join(await tempDir(), 'seed.yaml');
  await writeFile(file, text);
  return file;
}

/**
 * A local state seeded with the foreign objects, made once (`template`) and copied for each portal:
 * namespace `other` (strategy, product, application with a registration and a credential) and the
 * same under `orphan`, disowned.
 */
export async function localTemplate(): Promise<string> {
  const dir = await tempDir();
  const state = join(dir, 'template.json');
  const creds = join(dir, 'seed-creds.json');
  await mustApply(['apply', await writeConfig(foreignConfig('other', 'x')), '--yes', '--state', state, '--credentials-out', creds]);
  await mustApply(['apply', await writeConfig(foreignConfig('orphan', 'u')), '--yes', '--state', state, '--credentials-out', creds]);
  const data = JSON.parse(await readFile(state, 'utf8')) as StoreData;
  disown(data, 'orphan');
  await writeFile(state, JSON.stringify(data, null, 2));
  return state;
}

export async function localPortal(template: string): Promise<Portal> {
  const state = join(await tempDir(), 'state.json');
  await copyFile(template, state);
  return {
    args: ['--state', state],
    env: {},
    data: async () => JSON.parse(await readFile(state, 'utf8')) as StoreData,
    stop: async () => undefined,
  };
}

/** An emulator (in this process; `state` keeps it in a file) seeded with the foreign objects. */
export async function emulatorPortal(flavour: 'v3' | 'classic', options: Parameters<typeof startEmulator>[0] = {}): Promise<Portal> {
  const emu = await startEmulator({ flavour, port: 0, token: TOKEN, developers: [DEV, OTHER], retryAfterSeconds: 0, ...options });
  const args = emulatorArgs(emu);
  try {
    const creds = join(await tempDir(), 'seed-creds.json');
    // Classic: the namespace's applications are the session developer's, so foreign ones are another developer's.
    const seedEnv = flavour === 'classic' ? OTHER_ENV : ENV;
    if (!options.state || emu.state.engine.list('auth_strategies').length === 0) {
      await mustApply(['apply', await writeConfig(foreignConfig('other', 'x')), ...args, '--yes', '--credentials-out', creds], seedEnv);
      await mustApply(['apply', await writeConfig(foreignConfig('orphan', 'u')), ...args, '--yes', '--credentials-out', creds], seedEnv);
      disown(emu.state.data, 'orphan');
    }
  } catch (cause) {
    await emu.stop();
    throw cause;
  }
  return {
    args,
    env: ENV,
    data: async () => emu.state.data,
    developerId: flavour === 'classic' ? emu.state.developerByEmail(DEV.email) : undefined,
    emulator: emu,
    stop: () => emu.stop(),
  };
}

export function emulatorArgs(emu: RunningEmulator): string[] {
  return ['--backend', emu.flavour === 'classic' ? 'konnect-classic' : 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
}
