import type { StoredProductVersion } from '../../backends/local/store-records.js';
import { badRequest, noContent, notFound, ok } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { apiOf } from './apis.js';
import { checkPortal, stamps, type Route } from './route.js';

/**
 * Publications of APIs on the portal (6.1 #13–16). Published ⇔ the version's publish_status; the
 * publication's registration settings are the version's: `auth_strategy_ids` null ⇔ registration
 * disabled, `[id]` ⇔ enabled with that strategy; `auto_approve_registrations` its auto_approve.
 * A version the local backend wrote with registration enabled and no strategy shows the portal's
 * default. The publication's timestamps are its API's.
 */
export function strategyIds(state: EmulatorState, v: StoredProductVersion): string[] | null {
  if (!v.registration.enabled) return null;
  const id = v.registration.auth_strategy_id ?? state.engine.get('portals', state.portalId).default_application_auth_strategy_id;
  return id === null ? null : [id];
}

function renderPublication(state: EmulatorState, v: StoredProductVersion) {
  return { auto_approve_registrations: v.registration.auto_approve, auth_strategy_ids: strategyIds(state, v), visibility: v.visibility, ...stamps(v) };
}

function publicationOf(ctx: { params: Record<string, string> }, state: EmulatorState): [string, StoredProductVersion] {
  if (ctx.params.portalId !== state.portalId) throw notFound();
  return apiOf(ctx as never, state);
}

export const publicationRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/v3/apis/{apiId}/publications/{portalId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = publicationOf(ctx, state);
      const body = checkBody<{ auto_approve_registrations?: boolean; auth_strategy_ids?: string[] | null; visibility?: 'public' | 'private' }>(ctx.body, {
        auto_approve_registrations: { type: 'boolean' },
        auth_strategy_ids: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 1, nullable: true },
        visibility: { type: 'string', enum: ['public', 'private'] },
      });
      // Omitted: the portal's default strategy; null: no application registration (6.3 #13).
      const strategy = body.auth_strategy_ids === undefined ? state.engine.get('portals', state.portalId).default_application_auth_strategy_id : (body.auth_strategy_ids?.[0] ?? null);
      if (strategy !== null && !state.engine.has('auth_strategies', strategy)) {
        throw badRequest([{ field: 'auth_strategy_ids[0]', rule: 'missing_reference', reason: `auth strategy ${strategy} does not exist`, source: 'body' }]);
      }
      engineCall(() =>
        state.engine.update('product_versions', id, {
          publish_status: 'published',
          visibility: body.visibility ?? 'private',
          registration: { enabled: strategy !== null, auth_strategy_id: strategy, auto_approve: body.auto_approve_registrations ?? false },
        }),
      );
      return ok(renderPublication(state, state.engine.get('product_versions', id)));
    },
  },
  {
    method: 'GET',
    path: '/v3/apis/{apiId}/publications/{portalId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [, v] = publicationOf(ctx, state);
      if (v.publish_status !== 'published') throw notFound();
      return ok(renderPublication(state, v));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/apis/{apiId}/publications/{portalId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = publicationOf(ctx, state);
      if (v.publish_status !== 'published') throw notFound();
      // Existing registrations stay (6.3 #15, a DECISION); new ones are refused while unpublished.
      engineCall(() => state.engine.update('product_versions', id, { publish_status: 'unpublished', registration: { enabled: false, auth_strategy_id: null, auto_approve: false } }));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/api-publications',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const published = state.engine.list('product_versions').filter(([, v]) => v.publish_status === 'published');
      const spec = { filters: { api_id: 'uuid', api_name: 'string', auth_strategy_id: 'uuid', entity_type: 'string' } } as const;
      return ok(
        page(
          ctx,
          published,
          spec,
          ([id, v]) =>
            (field) =>
              ({ api_id: id, api_name: state.engine.get('products', v.product_id).name, auth_strategy_id: strategyIds(state, v)?.[0] ?? null, entity_type: 'api' })[field],
          ([id, v]) => {
            const { auto_approve_registrations, auth_strategy_ids, visibility, created_at, updated_at } = renderPublication(state, v);
            return { api_id: id, portal_ids: [state.portalId], auto_approve_registrations, entity_type: 'api', visibility, auth_strategy_ids, created_at, updated_at };
          },
        ),
      );
    },
  },
];

export { noContent };
