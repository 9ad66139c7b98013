import type { Adapters, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import type { StoredApplication } from '../store-records.js';

/** Applications; `auth_strategy` is an id. */
export function applications(engine: LocalEngine): Adapters['application'] {
  return {
    list: async () =>
      engine.list('applications').map(([id, a]) => ({
        id,
        attrs: {
          reference_id: a.reference_id,
          name: a.name,
          description: a.description,
          ...(a.owner && { owner: a.owner }),
          ...(a.auth_strategy_id !== null && a.auth_strategy_id !== undefined && { auth_strategy: a.auth_strategy_id }),
        },
        labels: a.labels ?? {},
        protected: a.protected,
      })),
    create: async (write) => engine.create('applications', toRecord(write)),
    update: async (id, write) => engine.update('applications', id, toRecord(write)),
    delete: async (id) => engine.delete('applications', id),
  };
}

function toRecord({ attrs: a, labels, protected: isProtected }: Write<'application'>): StoredApplication {
  return {
    reference_id: a.reference_id,
    name: a.name,
    description: a.description ?? '',
    owner: a.owner ?? null,
    auth_strategy_id: a.auth_strategy ?? null,
    labels,
    protected: isProtected,
  };
}
