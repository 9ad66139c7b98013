import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';
import { portalIdOf } from './portal-id.js';

/** Developers; one created is invited (no password: they cannot log in until they set one in the portal). */
export function developers(engine: LocalEngine): Adapters['developer'] {
  return {
    list: async () => engine.list('developers').map(([id, d]) => ({ id, attrs: { email: d.email, full_name: d.full_name, status: d.status }, labels: {}, protected: false })),
    create: async ({ attrs: a }) =>
      // Left out, the status is the portal's default for a new developer: pending until approved.
      engine.create('developers', { portal_id: portalIdOf(engine), email: a.email, full_name: a.full_name, status: a.status ?? 'pending', password_hash: null }),
    update: async (id, { attrs: a }) => engine.update('developers', id, { full_name: a.full_name, ...(a.status !== undefined && { status: a.status }) }),
    delete: async (id) => engine.delete('developers', id),
  };
}
