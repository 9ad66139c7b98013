import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { BackendError } from '../backends/backend.js';
import { hashPassword, LocalEngine } from '../backends/local/engine.js';
import { acquireLock } from '../backends/local/lock.js';
import { realPathOf } from '../util/real-path.js';
import { emptyStore, loadStore, saveStore, type StoreData } from '../backends/local/store.js';
import { freshPortal } from '../backends/local/store-records.js';
import { ApiError, badRequest, conflict, forbidden, notFound, type InvalidParameter } from './http.js';

/** A developer to seed: `--developer EMAIL:PASSWORD`. */
export interface SeedDeveloper {
  email: string;
  password: string;
}

/**
 * The emulator's portal: the local store (the same file and engine as the local backend, held under
 * the local backend's lock while the emulator runs), the one portal it serves, and the developers'
 * sessions (in memory: a restart logs everyone out). Writes are saved atomically, coalesced: a burst
 * of requests is one write, and stop() waits for the last.
 */
export class EmulatorState {
  readonly engine: LocalEngine;
  readonly portalId: string;
  private readonly sessions = new Map<string, string>();
  private saving: Promise<void> = Promise.resolve();
  private pending = false;

  private constructor(
    readonly data: StoreData,
    private readonly file: string | undefined,
    private readonly release: (() => Promise<void>) | undefined,
  ) {
    this.engine = new LocalEngine(data, { stamp: true });
    this.portalId = this.engine.list('portals')[0]?.[0] ?? this.engine.create('portals', freshPortal()).id;
  }

  /** Opens the state at `file` (a fresh portal when it does not exist), or an in-memory one without a file. */
  static async open(file: string | undefined, developers: readonly SeedDeveloper[] = []): Promise<EmulatorState> {
    if (file === undefined) {
      const state = new EmulatorState(emptyStore(), undefined, undefined);
      state.seed(developers);
      return state;
    }
    const real = await realPathOf(file).catch((cause: NodeJS.ErrnoException) => {
      throw new UserError(`${file}: cannot resolve the state (${cause.code ?? String(cause)})`);
    });
    const release = await acquireLock(`${real}.lock`, file);
    try {
      const state = new EmulatorState(await loadStore(real, file), real, release);
      state.seed(developers);
      await state.flush();
      return state;
    } catch (cause) {
      await release();
      throw cause;
    }
  }

  /** Creates each seeded developer, approved and able to log in (an existing one gets the password and approval). */
  private seed(developers: readonly SeedDeveloper[]): void {
    for (const { email, password } of developers) {
      const existing = this.developerByEmail(email);
      const fields = { status: 'approved' as const, password_hash: hashPassword(password) };
      if (existing !== undefined) this.engine.update('developers', existing, fields);
      else this.engine.create('developers', { portal_id: this.portalId, email, full_name: email.split('@')[0] ?? email, ...fields });
    }
  }

  developerByEmail(email: string): string | undefined {
    const wanted = email.toLowerCase();
    return this.engine.list('developers').find(([, d]) => d.portal_id === this.portalId && d.email.toLowerCase() === wanted)?.[0];
  }

  /** A new session for a developer: the `portalaccesstoken` cookie's value. */
  openSession(developerId: string): string {
    const token = randomBytes(24).toString('base64url');
    this.sessions.set(token, developerId);
    return token;
  }

  /** The developer of a session token, while they still exist and are approved. */
  sessionDeveloper(token: string | undefined): string | undefined {
    const id = token === undefined ? undefined : this.sessions.get(token);
    if (id === undefined || !this.engine.has('developers', id) || this.engine.get('developers', id).status !== 'approved') return undefined;
    return id;
  }

  /** Saves the store soon when a write landed; every call while a save runs is one more save after it. */
  changed(): void {
    if (this.file === undefined || !this.engine.changed || this.pending) return;
    this.pending = true;
    this.saving = this.saving.then(async () => {
      this.pending = false;
      this.engine.changed = false;
      await saveStore(this.file!, this.data);
    });
    this.saving.catch(() => undefined);
  }

  /** Waits for every save asked for (a failed save is thrown here). */
  async flush(): Promise<void> {
    this.changed();
    await this.saving;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.release?.();
    }
  }
}


/**
 * Runs an engine call and answers its refusals as Konnect would: a missing record 404, a duplicate
 * 409, a broken rule 400 (naming `field`), the credential limit 403.
 */
export function engineCall<T>(run: () => T, field = 'body'): T {
  try {
    return run();
  } catch (cause) {
    if (!(cause instanceof BackendError)) throw cause;
    if (cause.status === 404) throw notFound();
    if (cause.status === 409) throw conflict(cause.message);
    if (cause.status === 403) throw forbidden(cause.message);
    const invalid: InvalidParameter = { field, rule: 'invalid', reason: cause.message, source: 'body' };
    throw badRequest([invalid]);
  }
}

export { ApiError };
