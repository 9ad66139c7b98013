import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';

/** Credentials: the engine generates the key and keeps its hash; `application` is an id. */
export function credentials(engine: LocalEngine): Adapters['credential'] {
  return {
    list: async () =>
      engine.list('credentials').map(([id, c]) => ({
        id,
        attrs: { application: c.application_id, name: c.name },
        labels: c.labels ?? {},
        protected: c.protected,
        key: { created_at: c.created_at, ...(c.expires_at !== undefined && { expires_at: c.expires_at }) },
      })),
    create: async ({ attrs: a, protected: isProtected }) => engine.create('credentials', { application_id: a.application, name: a.name, protected: isProtected }),
    protect: async (id, isProtected) => engine.update('credentials', id, { protected: isProtected }),
    delete: async (id) => engine.delete('credentials', id),
  };
}
