import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import { developers } from '../v3/developer.js';
import type { ClassicContext } from './context.js';

/**
 * Developers ↔ the classic portal's developers (portal-management v2): the v3 adapter's list, status
 * change (`update-developer` takes only a status: approve, revoke, reject) and delete, whose routes
 * differ only by prefix. The classic admin API invites no one: a developer signs up on the portal,
 * and the plan refuses one that is not there (checks.ts); create is refused here too, for a saved plan.
 */
export function classicDevelopers(ctx: ClassicContext): Adapters['developer'] {
  return {
    ...developers(ctx),
    create: async ({ attrs: a }) => {
      throw new BackendError(`developer "${a.email}": the konnect-classic backend cannot create a developer (its admin API invites no one; they sign up on the portal)`, 400);
    },
  };
}
