import { randomUUID } from 'node:crypto';
import type { StoredApplication } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { applicationOf, ownApplication, ownerOf, strategySummary } from '../routes/applications.js';
import { checkPortal, stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody } from '../validate.js';
import { derivedUuid } from './portal-product-versions.js';

/**
 * Classic applications (6.2 #23–25 admin, #33–36 client; 6.3 #22). The admin API lists, reads and
 * deletes; the developer creates and updates their own through the client API, and is the
 * application's owner (by id). Ids of another developer's application answer 404 on the client API.
 * DECISIONS: a duplicate name among the developer's applications → 409, a reference_id any
 * application holds → 409, a public portal → 400; an omitted `reference_id` is a generated UUID
 * (UNCLEAR-22); an omitted `auth_strategy_id` is the portal's default, and without one the create
 * is a 400; `redirect_uri` and `scopes` are accepted and not kept (DCR applications only).
 */
export const ownClassicApplication = (ctx: Ctx, state: EmulatorState) => ownApplication(ctx, state, notFound);

/** The application's developer; one the state does not know (a record the local backend wrote) gets a stable stand-in. */
export function developerOf(state: EmulatorState, a: StoredApplication): { id: string; name: string; email: string } {
  const owner = ownerOf(state, a);
  if (owner?.type === 'developer' && state.engine.has('developers', owner.id)) {
    const d = state.engine.get('developers', owner.id);
    return { id: owner.id, name: d.full_name, email: d.email };
  }
  const email = a.owner?.type === 'developer' ? a.owner.name : '';
  return { id: derivedUuid(`developer:${email}`), name: email.split('@')[0] ?? '', email };
}

function summaryOf(state: EmulatorState, a: StoredApplication) {
  return a.auth_strategy_id !== null && state.engine.has('auth_strategies', a.auth_strategy_id) ? strategySummary(state, a.auth_strategy_id) : undefined;
}

function renderAdmin(state: EmulatorState, id: string, a: StoredApplication) {
  const strategy = summaryOf(state, a);
  return {
    id,
    ...stamps(a),
    name: a.name,
    description: a.description === '' ? null : a.description,
    labels: a.labels ?? {},
    reference_id: a.reference_id,
    registration_count: state.engine.childrenOf('registrations', 'registrationsOfApplication', id).length,
    dcr_provider: null,
    portal: { id: state.portalId },
    developer: developerOf(state, a),
    ...(strategy && { auth_strategy: strategy }),
    granted_scopes: null,
  };
}

export function renderClient(state: EmulatorState, id: string, a: StoredApplication) {
  const strategy = summaryOf(state, a);
  return { id, name: a.name, reference_id: a.reference_id, description: a.description === '' ? null : a.description, ...(strategy && { auth_strategy: strategy }), ...stamps(a) };
}

/** The session developer's applications. */
function applicationsOf(state: EmulatorState, developerId: string): [string, StoredApplication][] {
  return state.engine.list('applications').filter(([, a]) => {
    const owner = ownerOf(state, a);
    return owner?.type === 'developer' && owner.id === developerId;
  });
}

function checkNameFree(state: EmulatorState, developerId: string, name: string, self?: string): void {
  if (applicationsOf(state, developerId).some(([id, a]) => id !== self && a.name === name)) throw conflict(`You already have an application named "${name}"`);
}

function checkReferenceFree(state: EmulatorState, referenceId: string, self?: string): void {
  if (state.engine.list('applications').some(([id, a]) => id !== self && a.reference_id === referenceId)) throw conflict(`An application with reference_id "${referenceId}" already exists`);
}

const CLIENT_FIELDS = {
  name: { type: 'string', maxLength: 255 },
  reference_id: { type: 'string', maxLength: 255 },
  redirect_uri: { type: 'string' },
  description: { type: 'string', maxLength: 255 },
  scopes: { type: 'array', items: { type: 'string' } },
} as const;

interface ClientBody {
  name?: string;
  reference_id?: string;
  description?: string;
  auth_strategy_id?: string | null;
}

const ADMIN_LIST = { filters: { developer_id: 'uuid', developer_name: 'string', developer_email: 'string', name: 'string' }, sort: ['created_at', 'developer_id', 'name'] } as const;
const CLIENT_LIST = { filters: { name: 'string', auth_strategy_id: 'uuid' }, only: ['filter[name][eq]', 'filter[name]', 'filter[name][contains]', 'filter[auth_strategy_id][eq]', 'filter[auth_strategy_id]'] } as const;

export const classicApplicationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/applications',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      return ok(
        page(
          ctx,
          state.engine.list('applications'),
          ADMIN_LIST,
          ([, a]) =>
            (field) => {
              const d = developerOf(state, a);
              return ({ name: a.name, developer_id: d.id, developer_name: d.name, developer_email: d.email, ...stamps(a) } as Record<string, string>)[field];
            },
          ([id, a]) => renderAdmin(state, id, a),
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v2/portals/{portalId}/applications/{applicationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [id, a] = applicationOf(ctx, state);
      return ok(renderAdmin(state, id, a));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/portals/{portalId}/applications/{applicationId}',
    auth: 'admin',
    handle: (ctx, state) => {
      checkPortal(ctx, state);
      const [id] = applicationOf(ctx, state);
      // Its registrations and credentials go with it (the spec's text).
      engineCall(() => state.engine.delete('applications', id));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/api/v2/applications',
    auth: 'session',
    handle: (ctx, state) =>
      ok(page(ctx, applicationsOf(state, ctx.developerId!), CLIENT_LIST, ([, a]) => (field) => (field === 'name' ? a.name : a.auth_strategy_id), ([id, a]) => renderClient(state, id, a))),
  },
  {
    method: 'POST',
    path: '/api/v2/applications',
    auth: 'session',
    handle: (ctx, state) => {
      const portal = state.engine.get('portals', state.portalId);
      const body = checkBody<ClientBody & { name: string }>(ctx.body, { ...CLIENT_FIELDS, auth_strategy_id: { type: 'string', format: 'uuid', nullable: true } }, ['name']);
      if (portal.is_public === true) throw badRequest([{ field: 'body', rule: 'invalid', reason: 'Developer accounts and applications cannot be created if the portal is public', source: 'body' }]);
      const strategy = body.auth_strategy_id ?? portal.default_application_auth_strategy_id;
      if (strategy === null) throw badRequest([{ field: 'auth_strategy_id', rule: 'required', reason: '"auth_strategy_id" is required: the portal has no default application auth strategy', source: 'body' }]);
      if (!state.engine.has('auth_strategies', strategy)) throw badRequest([{ field: 'auth_strategy_id', rule: 'missing_reference', reason: `auth strategy ${strategy} does not exist`, source: 'body' }]);
      checkNameFree(state, ctx.developerId!, body.name);
      const referenceId = body.reference_id ?? randomUUID();
      checkReferenceFree(state, referenceId);
      const developer = state.engine.get('developers', ctx.developerId!);
      const record: StoredApplication = {
        reference_id: referenceId,
        name: body.name,
        description: body.description ?? '',
        owner: { type: 'developer', name: developer.email },
        owner_id: ctx.developerId!,
        auth_strategy_id: strategy,
        labels: {},
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('applications', record));
      return ok(renderClient(state, id, state.engine.get('applications', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/api/v2/applications/{applicationId}',
    auth: 'session',
    handle: (ctx, state) => {
      const [id, a] = ownClassicApplication(ctx, state);
      return ok(renderClient(state, id, a));
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/applications/{applicationId}',
    auth: 'session',
    handle: (ctx, state) => {
      const [id] = ownClassicApplication(ctx, state);
      const body = checkBody<ClientBody>(ctx.body, CLIENT_FIELDS);
      if (body.name !== undefined) checkNameFree(state, ctx.developerId!, body.name, id);
      if (body.reference_id !== undefined) checkReferenceFree(state, body.reference_id, id);
      engineCall(() =>
        state.engine.update('applications', id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.reference_id !== undefined && { reference_id: body.reference_id }),
          ...(body.description !== undefined && { description: body.description }),
        }),
      );
      return ok(renderClient(state, id, state.engine.get('applications', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/applications/{applicationId}',
    auth: 'session',
    handle: (ctx, state) => {
      const [id] = ownClassicApplication(ctx, state);
      engineCall(() => state.engine.delete('applications', id));
      return noContent();
    },
  },
];
