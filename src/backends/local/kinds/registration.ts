import type { Adapters, Write } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';

/** Registrations; `application` and `version` are ids. Left out, the status comes from the version's auto-approve. */
export function registrations(engine: LocalEngine): Adapters['registration'] {
  return {
    list: async () =>
      engine.list('registrations').map(([id, r]) => ({
        id,
        attrs: { application: r.application_id, version: r.product_version_id, status: r.status },
        labels: r.labels ?? {},
        protected: r.protected,
      })),
    create: async ({ attrs: a, protected: isProtected }) =>
      engine.create('registrations', { application_id: a.application, product_version_id: a.version, ...status(a), protected: isProtected }),
    // The application and version are its key: only the status and the protection change.
    update: async (id, { attrs: a, protected: isProtected }) => engine.update('registrations', id, { ...status(a), protected: isProtected }),
    delete: async (id) => engine.delete('registrations', id),
  };
}

function status(a: Write<'registration'>['attrs']) {
  return a.status === undefined ? {} : { status: a.status };
}
