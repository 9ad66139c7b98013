import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import { portalIdOf } from './portal-id.js';

/** Teams: name, description and whether they may own applications (members and roles are kinds of their own). */
export function teams(engine: LocalEngine): Adapters['team'] {
  return {
    list: async () =>
      engine.list('teams').map(([id, t]) => ({
        id,
        attrs: { name: t.name, description: t.description ?? '', can_own_applications: t.can_own_applications === true },
        labels: {},
        protected: false,
      })),
    create: async ({ attrs: a }) =>
      engine.create('teams', { portal_id: portalIdOf(engine), name: a.name, description: a.description ?? '', can_own_applications: a.can_own_applications === true, members: [] }),
    update: async (id, { attrs: a }) => engine.update('teams', id, { name: a.name, description: a.description ?? '', can_own_applications: a.can_own_applications === true }),
    delete: async (id) => engine.delete('teams', id),
  };
}
