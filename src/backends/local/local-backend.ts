import type { State } from '../../model/state.js';
import { UserError } from '../../errors.js';
import { AdaptedTransaction } from '../adapted-transaction.js';
import type { AppliedRecord, Backend, Capabilities, CreateResult, Transaction, WriteContext } from '../backend.js';
import { readLive } from '../live.js';
import type { AnyResource } from '../../model/resource.js';
import { LocalEngine } from './engine.js';
import { localAdapters } from './kinds/index.js';
import { acquireLock } from './lock.js';
import { realPathOf } from '../../util/real-path.js';
import { loadStore, saveStore, type StoreData } from './store.js';

export { hashKey } from './engine.js';

/** The engine refuses a strategy type change (plan it as a replace), and keeps every key unique. */
const CAPABILITIES: Capabilities = {
  immutable: { auth_strategy: ['type'] },
  secondCreate: {
    auth_strategy: 'refused',
    product: 'refused',
    product_version: 'refused',
    application: 'refused',
    registration: 'refused',
    credential: 'refused',
  },
};

/**
 * The embedded portal: a JSON file (store.ts: load, check, atomic save; lock.ts) holding records
 * under Konnect's rules (engine.ts), read and written through one adapter per kind (kinds/).
 */
export class LocalBackend implements Backend {
  readonly type = 'local' as const;
  readonly capabilities = CAPABILITIES;
  /**
   * What the last read found in `applied_commits`, until a transaction: readApplied answers from the
   * state the plan was made from instead of reading and checking the whole file again.
   */
  private readSnapshot?: { applied: StoreData['applied_commits'] };

  constructor(readonly target: string) {}

  async read(): Promise<State> {
    const data = await loadStore(this.target);
    this.readSnapshot = { applied: data.applied_commits };
    return readLive(localAdapters(new LocalEngine(data, { readOnly: true })), this.capabilities);
  }

  async readApplied(namespace: string): Promise<AppliedRecord | undefined> {
    const applied = this.readSnapshot !== undefined ? this.readSnapshot.applied : (await loadStore(this.target)).applied_commits;
    const record = applied?.[namespace];
    return record && { commit: record.commit, dirty: record.dirty, at: record.at };
  }

  async transaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    this.readSnapshot = undefined; // the transaction may record a commit
    // A state reached through a symbolic link is written through it, and locked beside the file itself.
    const file = await realPathOf(this.target).catch((cause: NodeJS.ErrnoException) => {
      throw new UserError(`${this.target}: cannot resolve the local state (${cause.code ?? String(cause)})`);
    });
    const release = await acquireLock(`${file}.lock`, this.target);
    try {
      const data = await loadStore(file, this.target);
      const tx = new LocalTransaction(data);
      try {
        return await run(tx);
      } finally {
        // One write per apply, of everything that landed, even when the run failed part-way.
        if (tx.dirty) await saveStore(file, data);
      }
    } finally {
      await release();
    }
  }
}

/**
 * The writes of one apply on the in-memory store; LocalBackend saves it once at the end. The live
 * state it writes against is read from the store when the first write comes.
 */
export class LocalTransaction implements Transaction {
  private readonly engine: LocalEngine;
  private opened?: Promise<AdaptedTransaction>;
  private recorded = false;

  constructor(private readonly data: StoreData) {
    this.engine = new LocalEngine(data);
  }

  /** Whether any write landed (the store needs saving). */
  get dirty(): boolean {
    return this.engine.changed || this.recorded;
  }

  /** Kept in the store's `applied_commits`, saved with the writes; the same commit again keeps its first time. */
  async recordApplied(namespace: string, record: AppliedRecord): Promise<void> {
    const now = this.data.applied_commits?.[namespace];
    if (now !== undefined && now.commit === record.commit && now.dirty === record.dirty) return;
    this.data.applied_commits = { ...this.data.applied_commits, [namespace]: { commit: record.commit, dirty: record.dirty, at: record.at ?? new Date().toISOString() } };
    this.recorded = true;
  }

  async create(resource: AnyResource, ctx: WriteContext): Promise<CreateResult> {
    return (await this.open()).create(resource, ctx);
  }

  async update(resource: AnyResource, ctx: WriteContext): Promise<void> {
    return (await this.open()).update(resource, ctx);
  }

  async delete(address: string): Promise<void> {
    return (await this.open()).delete(address);
  }

  private open(): Promise<AdaptedTransaction> {
    this.opened ??= (async () => {
      const adapters = localAdapters(this.engine);
      return new AdaptedTransaction(adapters, await readLive(adapters, CAPABILITIES), { seal: true });
    })();
    return this.opened;
  }
}
