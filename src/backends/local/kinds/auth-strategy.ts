import type { Adapters, IdAttrs, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import type { StoredAuthStrategy } from '../store-records.js';

/** Auth strategies as the store keeps them: the type-specific fields (key_names, issuer, …) under `config`. */
export function authStrategies(engine: LocalEngine): Adapters['auth_strategy'] {
  return {
    list: async () =>
      engine.list('auth_strategies').map(([id, s]) => ({
        id,
        attrs: { name: s.name, display_name: s.display_name, type: s.type, ...s.config } as IdAttrs<'auth_strategy'>,
        labels: s.labels ?? {},
        protected: s.protected,
      })),
    create: async (write) => engine.create('auth_strategies', toRecord(write)),
    update: async (id, write) => engine.update('auth_strategies', id, toRecord(write)),
    delete: async (id) => engine.delete('auth_strategies', id),
  };
}

function toRecord({ attrs, labels, protected: isProtected }: Write<'auth_strategy'>): StoredAuthStrategy {
  const { name, display_name, type, ...config } = attrs;
  return { name, display_name: display_name ?? name, type, config, labels, protected: isProtected };
}
