import type { AnyResource } from '../../model/resource.js';
import type { AdaptedTransaction } from '../adapted-transaction.js';
import type { AppliedRecord, CreateResult, Transaction, WriteContext } from '../backend.js';

/**
 * The writes of one apply on a Konnect portal (v3 or classic): opened on the first write, from the
 * plan's read (or a fresh one), so an apply with nothing to write reads nothing more.
 */
export class LazyTransaction implements Transaction {
  #opened?: Promise<AdaptedTransaction>;

  constructor(
    private readonly open: () => Promise<AdaptedTransaction>,
    readonly recordApplied: (namespace: string, record: AppliedRecord) => Promise<void>,
    readonly recordEnvValues: (namespace: string, count: number) => Promise<void>,
  ) {}

  async create(resource: AnyResource, ctx: WriteContext): Promise<CreateResult> {
    return (await this.#tx()).create(resource, ctx);
  }

  async update(resource: AnyResource, ctx: WriteContext): Promise<void> {
    return (await this.#tx()).update(resource, ctx);
  }

  async delete(address: string): Promise<void> {
    return (await this.#tx()).delete(address);
  }

  #tx(): Promise<AdaptedTransaction> {
    this.#opened ??= this.open();
    return this.#opened;
  }
}
