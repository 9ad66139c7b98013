import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCode, UserError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

/** The local portal as stored on disk: Konnect-like records by id, names resolved through ids. */
export interface StoreData {
  format_version: 1;
  auth_strategies: Record<string, StoredAuthStrategy>;
  products: Record<string, StoredProduct>;
  product_versions: Record<string, StoredProductVersion>;
  applications: Record<string, StoredApplication>;
  registrations: Record<string, StoredRegistration>;
  credentials: Record<string, StoredCredential>;
}

type Labels = Record<string, string>;
interface Stored {
  labels?: Labels;
  protected: boolean;
}
export interface StoredAuthStrategy extends Stored {
  name: string;
  display_name: string;
  type: 'key_auth' | 'openid_connect';
  /** key-auth: key_names, ttl; openid-connect: issuer, credential_claim, scopes, auth_methods. */
  config: Record<string, unknown>;
  labels: Labels;
}
export interface StoredProduct extends Stored {
  name: string;
  description: string;
  labels: Labels;
}
export interface StoredProductVersion extends Stored {
  product_id: string;
  name: string;
  description: string;
  publish_status: 'published' | 'unpublished';
  visibility: 'public' | 'private';
  deprecated: boolean;
  registration: { enabled: boolean; auth_strategy_id: string | null; auto_approve: boolean };
}
export interface StoredApplication extends Stored {
  reference_id: string;
  name: string;
  description: string;
  owner: { type: 'developer' | 'team'; name: string } | null;
  auth_strategy_id: string | null;
  labels: Labels;
}
export interface StoredRegistration extends Stored {
  application_id: string;
  product_version_id: string;
  status: 'approved' | 'pending' | 'rejected' | 'revoked';
}
export interface StoredCredential extends Stored {
  application_id: string;
  name: string;
  /** sha256 of the key, as Konnect keeps it: the key itself is never stored. */
  key_hash: string;
  created_at: string;
}

export function emptyStore(): StoreData {
  return {
    format_version: 1,
    auth_strategies: {},
    products: {},
    product_versions: {},
    applications: {},
    registrations: {},
    credentials: {},
  };
}

/** Reads the store; a file that does not exist yet is an empty portal. */
export async function loadStore(path: string): Promise<StoreData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return emptyStore();
    throw new UserError(`${path}: cannot read the local state (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  let data: StoreData;
  try {
    data = JSON.parse(text) as StoreData;
  } catch (cause) {
    throw new UserError(`${path}: the local state is not valid JSON (${(cause as Error).message}); restore it or remove it to start empty`);
  }
  if (data?.format_version !== 1) {
    throw new UserError(`${path}: unknown local state format_version ${JSON.stringify(data?.format_version)} (this portalctl reads 1)`);
  }
  return { ...emptyStore(), ...data };
}

/** Writes the store atomically (readable by its owner only: it is the portal's whole content). */
export async function saveStore(path: string, data: StoreData): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(data, null, 2) + '\n', 0o600);
}

/**
 * Takes the apply lock of a state file (`<state>.lock`, created exclusively). A lock left by a
 * process that no longer runs on this host is taken over; a live one refuses with exit code 3.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }) + '\n', { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
      const holder = await readFile(lock, 'utf8').then((t) => JSON.parse(t) as { pid?: number; since?: string }, () => ({}) as { pid?: number; since?: string });
      if (holder.pid !== undefined && holder.pid !== process.pid && !isRunning(holder.pid)) {
        await rm(lock, { force: true }); // stale: its process is gone
        continue;
      }
      throw new UserError(
        `another apply holds the lock on ${path} (pid ${holder.pid ?? '?'} since ${holder.since ?? '?'}); if none is running, remove ${lock}`,
        ExitCode.refused,
      );
    }
  }
  throw new UserError(`cannot take the lock ${lock}`, ExitCode.refused);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}
