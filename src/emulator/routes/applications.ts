import { randomUUID } from 'node:crypto';
import type { StoredApplication } from '../../backends/local/store-records.js';
import { badRequest, forbidden, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, createdLabels, type Fields } from '../validate.js';
import { checkPortal, stamps, type Route } from './route.js';

/**
 * Applications (6.1 #19–23 admin, #34 client). DECISIONS: the store's `reference_id` is the label
 * `portalctl-reference-id` when no other application holds that value (Konnect itself does not
 * refuse a duplicate label: a second one gets a generated reference_id and keeps the label); an
 * omitted `auth_strategy_id` is the portal's default, and without one the create is a 400 (the
 * response shape needs a strategy); owners are by id and must be a developer or a team (allowed
 * to own applications) of the portal.
 */
export const REFERENCE_LABEL = 'portalctl-reference-id';

export function renderApplication(state: EmulatorState, id: string, a: StoredApplication) {
  const registrations = state.engine.childrenOf('registrations', 'registrationsOfApplication', id).length;
  const owner = ownerOf(state, a);
  const strategy = a.auth_strategy_id && state.engine.has('auth_strategies', a.auth_strategy_id) ? strategySummary(state, a.auth_strategy_id) : undefined;
  return {
    id,
    ...stamps(a),
    name: a.name,
    description: a.description === '' ? null : a.description,
    ...(strategy && { auth_strategy: strategy }),
    portal: { id: state.portalId },
    registration_count: registrations,
    labels: a.labels ?? {},
    ...(owner && { owner }),
    // An OIDC application is a ClientCredentialsApplication, which requires these three. DECISION:
    // the store keeps no client id, so the application's id stands in for it; no DCR provider.
    ...(strategy?.credential_type === 'client_credentials' && { client_id: id, dcr_provider: null, granted_scopes: null }),
  };
}

export function strategySummary(state: EmulatorState, id: string) {
  const s = state.engine.get('auth_strategies', id);
  const config = s.config ?? {};
  if (s.type === 'key_auth') return { id, name: s.name, credential_type: 'key_auth', key_names: (config.key_names as string[] | undefined) ?? ['apikey'], ...(config.ttl !== undefined && { ttl: config.ttl }) };
  return { id, name: s.name, credential_type: 'client_credentials', auth_methods: (config.auth_methods as string[] | undefined) ?? [], available_scopes: (config.scopes as string[] | undefined) ?? [] };
}

/** The owner by id; for a record the local backend wrote (by name), the developer or team of that name. */
export function ownerOf(state: EmulatorState, a: StoredApplication): { type: 'developer' | 'team'; id: string } | undefined {
  if (a.owner === null || a.owner === undefined) return undefined;
  if (a.owner_id !== undefined) return { type: a.owner.type, id: a.owner_id };
  const id =
    a.owner.type === 'developer'
      ? state.developerByEmail(a.owner.name)
      : state.engine.list('teams').find(([, t]) => t.portal_id === state.portalId && t.name === a.owner!.name)?.[0];
  return id === undefined ? undefined : { type: a.owner.type, id };
}

export function applicationOf(ctx: Ctx, state: EmulatorState): [string, StoredApplication] {
  const id = ctx.params.applicationId!;
  if (!state.engine.has('applications', id)) throw notFound();
  return [id, state.engine.get('applications', id)];
}

const OWNER: Fields[string] = {
  type: 'object',
  fields: { type: { type: 'string', enum: ['developer', 'team'] }, id: { type: 'string', format: 'uuid' } },
  required: ['type', 'id'],
};

/** The owner of a request as the store keeps it: by id, with the developer's email or the team's name. */
function resolveOwner(state: EmulatorState, owner: { type: 'developer' | 'team'; id: string }): Pick<StoredApplication, 'owner' | 'owner_id'> {
  const missing = () => badRequest([{ field: 'owner.id', rule: 'missing_reference', reason: `${owner.type} ${owner.id} does not exist in this portal`, source: 'body' }]);
  if (owner.type === 'developer') {
    if (!state.engine.has('developers', owner.id) || state.engine.get('developers', owner.id).portal_id !== state.portalId) throw missing();
    return { owner: { type: 'developer', name: state.engine.get('developers', owner.id).email }, owner_id: owner.id };
  }
  if (!state.engine.has('teams', owner.id) || state.engine.get('teams', owner.id).portal_id !== state.portalId) throw missing();
  const team = state.engine.get('teams', owner.id);
  if (team.can_own_applications !== true) throw badRequest([{ field: 'owner.id', rule: 'invalid', reason: `team "${team.name}" cannot own applications`, source: 'body' }]);
  return { owner: { type: 'team', name: team.name }, owner_id: owner.id };
}

const LIST = { filters: { developer_id: 'uuid', name: 'string', team_id: 'uuid' }, sort: ['created_at', 'developer_id', 'name'] } as const;

export const applicationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/applications',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      return ok(
        page(
          ctx,
          state.engine.list('applications'),
          LIST,
          ([, a]) =>
            (field) => {
              const owner = ownerOf(state, a);
              return ({ name: a.name, developer_id: owner?.type === 'developer' ? owner.id : null, team_id: owner?.type === 'team' ? owner.id : null, ...stamps(a) } as Record<string, string | null>)[field];
            },
          ([id, a]) => renderApplication(state, id, a),
        ),
      );
    },
  },
  {
    method: 'POST',
    path: '/v3/portals/{portalId}/applications',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const body = checkBody<{ name: string; description?: string; labels?: Record<string, string | null>; auth_strategy_id?: string; owner: { type: 'developer' | 'team'; id: string } }>(
        ctx.body,
        {
          name: { type: 'string', maxLength: 255 },
          description: { type: 'string', maxLength: 255 },
          labels: { type: 'labels', update: true, nullable: true },
          dcr_client_id: { type: 'string', maxLength: 255 },
          client_id: { type: 'string', maxLength: 255 },
          auth_strategy_id: { type: 'string', format: 'uuid' },
          owner: OWNER,
        },
        ['name', 'owner'],
      );
      const strategy = body.auth_strategy_id ?? state.engine.get('portals', state.portalId).default_application_auth_strategy_id;
      if (strategy === null) throw badRequest([{ field: 'auth_strategy_id', rule: 'required', reason: '"auth_strategy_id" is required: the portal has no default application auth strategy', source: 'body' }]);
      if (!state.engine.has('auth_strategies', strategy)) throw badRequest([{ field: 'auth_strategy_id', rule: 'missing_reference', reason: `auth strategy ${strategy} does not exist`, source: 'body' }]);
      const labels = createdLabels(body.labels);
      const wanted = labels[REFERENCE_LABEL];
      const taken = wanted === undefined || state.engine.holderOfKey('applications', { reference_id: wanted } as StoredApplication) !== undefined;
      const record: StoredApplication = {
        reference_id: taken ? randomUUID() : wanted,
        name: body.name,
        description: body.description ?? '',
        ...resolveOwner(state, body.owner),
        auth_strategy_id: strategy,
        labels,
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('applications', record));
      return ok(renderApplication(state, id, state.engine.get('applications', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v3/portals/{portalId}/applications/{applicationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [id, a] = applicationOf(ctx, state);
      return ok(renderApplication(state, id, a));
    },
  },
  {
    method: 'PATCH',
    path: '/v3/portals/{portalId}/applications/{applicationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [id] = applicationOf(ctx, state);
      // The admin PATCH takes only the owner (6.3 #17).
      const body = checkBody<{ owner?: { type: 'developer' | 'team'; id: string } }>(ctx.body, { owner: OWNER });
      if (body.owner !== undefined) {
        const owner = resolveOwner(state, body.owner);
        engineCall(() => state.engine.update('applications', id, owner));
      }
      return ok(renderApplication(state, id, state.engine.get('applications', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/portals/{portalId}/applications/{applicationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [id] = applicationOf(ctx, state);
      // Its registrations and credentials go with it (6.3 #18).
      engineCall(() => state.engine.delete('applications', id));
      return noContent();
    },
  },
  {
    method: 'PATCH',
    path: '/api/v3/applications/{applicationId}',
    auth: 'session',
    handle: (ctx, state) => {
      const [id] = ownApplication(ctx, state);
      const body = checkBody<{ name?: string; description?: string }>(ctx.body, {
        name: { type: 'string', maxLength: 255 },
        client_id: { type: 'string', maxLength: 255 },
        redirect_uri: { type: 'string', nullable: true },
        description: { type: 'string', maxLength: 255 },
        scopes: { type: 'array', items: { type: 'string' } },
        team_id: { type: 'string', format: 'uuid', nullable: true },
      });
      engineCall(() => state.engine.update('applications', id, { ...(body.name !== undefined && { name: body.name }), ...(body.description !== undefined && { description: body.description }) }));
      const a = state.engine.get('applications', id);
      return ok({ id, name: a.name, description: a.description === '' ? null : a.description, ...stamps(a) });
    },
  },
];

/**
 * An application the session developer owns (directly or through a team): 404 when there is none,
 * `notOwned` (v3: 403) when it is another's.
 */
export function ownApplication(ctx: Ctx, state: EmulatorState, notOwned: () => Error = forbidden): [string, StoredApplication] {
  const [id, a] = applicationOf(ctx, state);
  if (!state.engine.canManage(ctx.developerId!, id) && ownerOf(state, a)?.id !== ctx.developerId) throw notOwned();
  return [id, a];
}
