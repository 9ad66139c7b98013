import { describe, expect, it } from 'vitest';
import type { Adapters } from '../../src/backends/adapter.js';
import { LocalEngine } from '../../src/backends/local/engine.js';
import { localAdapters } from '../../src/backends/local/kinds/index.js';
import { emptyStore } from '../../src/backends/local/store.js';
import { KINDS } from '../../src/model/kind.js';
import { SPECS } from '../../src/model/kinds/index.js';

describe('the adapters typing', () => {
  it('gives each kind the operations of the lifecycle its kind module declares', () => {
    const local = localAdapters(new LocalEngine(emptyStore())) as Record<string, { update?: unknown }>;
    for (const kind of KINDS) expect(typeof local[kind]!.update === 'function', kind).toBe(SPECS[kind].lifecycle !== 'create-delete');
  });

  it('makes what an adapter lacks, or has too many, a type error (checked by npm run typecheck)', () => {
    const local = localAdapters(new LocalEngine(emptyStore()));
    const { credential: _credential, ...withoutCredential } = local;
    // @ts-expect-error a kind without an adapter
    const missing: Adapters = withoutCredential;
    const { update: _update, ...productWithoutUpdate } = local.product;
    // @ts-expect-error a CRUD kind without update
    const noUpdate: Adapters['product'] = productWithoutUpdate;
    // @ts-expect-error an update on a kind that is only created and deleted
    const updatesCredential: Adapters['credential'] = { ...local.credential, update: local.product.update };
    expect([missing, noUpdate, updatesCredential]).toHaveLength(3);
  });
});
