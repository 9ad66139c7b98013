import type { StoredAuthStrategy } from '../../backends/local/store-records.js';
import { badRequest, noContent, notFound, ok } from '../http.js';
import { page } from '../listing.js';
import { engineCall } from '../state.js';
import { checkBody, createdLabels, mergeLabels, type Fields } from '../validate.js';
import { stamps, type Route } from './route.js';

/** Auth strategies (6.1 #3–7, application-auth-strategies v2). The store keeps a type's fields under `config`. */
const CONFIG_KEY = { key_auth: 'key-auth', openid_connect: 'openid-connect' } as const;

export function renderStrategy(id: string, s: StoredAuthStrategy) {
  return {
    id,
    name: s.name,
    display_name: s.display_name ?? s.name,
    strategy_type: s.type,
    configs: { [CONFIG_KEY[s.type]]: s.config ?? {} },
    active: true,
    dcr_provider: null,
    labels: s.labels ?? {},
    ...stamps(s),
  };
}

const TTL: Fields[string] = {
  type: 'object',
  fields: { value: { type: 'integer', minimum: 1 }, unit: { type: 'string', enum: ['days', 'weeks', 'years'] } },
  required: ['value', 'unit'],
};
const KEY_AUTH = (partial: boolean): Fields[string] => ({
  type: 'object',
  fields: { key_names: { type: 'array', items: { type: 'string', maxLength: 256 }, minItems: 1, maxItems: 10 }, ttl: { ...TTL, nullable: partial } },
});
const OIDC = (partial: boolean): Fields[string] => ({
  type: 'object',
  additional: true,
  fields: {
    issuer: { type: 'string', maxLength: 256, pattern: /^https?:\/\/\S+$/ },
    credential_claim: { type: 'array', items: { type: 'string', maxLength: 128 }, maxItems: 10 },
    scopes: { type: 'array', items: { type: 'string', maxLength: 128 }, maxItems: 50 },
    auth_methods: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 10 },
  },
  required: partial ? [] : ['issuer', 'credential_claim', 'scopes', 'auth_methods'],
});
const PRINCIPALS: Fields[string] = { type: 'object', fields: { enabled: { type: 'boolean' } }, required: ['enabled'] };
const COMMON: Fields = {
  name: { type: 'string', minLength: 1, maxLength: 256 },
  display_name: { type: 'string', maxLength: 256 },
  labels: { type: 'labels' },
  principals: PRINCIPALS,
};

interface CreateBody {
  name: string;
  display_name: string;
  strategy_type: StoredAuthStrategy['type'];
  configs: Record<string, Record<string, unknown>>;
  labels?: Record<string, string>;
  dcr_provider_id?: string | null;
}

function checkCreate(body: unknown): CreateBody {
  const type = (body as { strategy_type?: unknown } | undefined)?.strategy_type;
  // The body is a oneOf on strategy_type: check that first, then the variant.
  checkBody(body, { strategy_type: { type: 'string', enum: ['key_auth', 'openid_connect'] } }, ['strategy_type'], true);
  const keyAuth = type === 'key_auth';
  const configs: Fields[string] = keyAuth
    ? { type: 'object', fields: { 'key-auth': KEY_AUTH(false) }, required: ['key-auth'] }
    : { type: 'object', fields: { 'openid-connect': OIDC(false) }, required: ['openid-connect'] };
  const fields: Fields = { ...COMMON, strategy_type: { type: 'string' }, configs, ...(!keyAuth && { dcr_provider_id: { type: 'string', format: 'uuid', nullable: true } }) };
  return checkBody<CreateBody>(body, fields, ['name', 'display_name', 'strategy_type', 'configs']);
}

interface UpdateBody {
  name?: string;
  display_name?: string;
  labels?: Record<string, string | null> | null;
  configs?: Record<string, Record<string, unknown>>;
}

export const authStrategyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/application-auth-strategies',
    auth: 'admin',
    handle: (ctx, state) => {
      const spec = {
        filters: { strategy_type: 'string', name: 'string', display_name: 'string', dcr_provider_id: 'uuid', dcr_provider_name: 'string', dcr_provider_type: 'string' },
        sort: ['created_at', 'updated_at', 'strategy_type', 'name', 'display_name', 'dcr_provider_id', 'dcr_provider_name', 'dcr_provider_type'],
      } as const;
      return ok(
        page(ctx, state.engine.list('auth_strategies'), spec, ([, s]) => (f) => ({ strategy_type: s.type, name: s.name, display_name: s.display_name, ...stamps(s) })[f] ?? null, ([id, s]) =>
          renderStrategy(id, s),
        ),
      );
    },
  },
  {
    method: 'POST',
    path: '/v2/application-auth-strategies',
    auth: 'admin',
    handle: (ctx, state) => {
      const body = checkCreate(ctx.body);
      if (body.dcr_provider_id) throw badRequest([{ field: 'dcr_provider_id', rule: 'missing_reference', reason: 'the emulator has no DCR providers', source: 'body' }]);
      const record: StoredAuthStrategy = {
        name: body.name,
        display_name: body.display_name,
        type: body.strategy_type,
        config: body.configs[CONFIG_KEY[body.strategy_type]] ?? {},
        labels: createdLabels(body.labels),
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('auth_strategies', record));
      return ok(renderStrategy(id, state.engine.get('auth_strategies', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v2/application-auth-strategies/{authStrategyId}',
    auth: 'admin',
    handle: (ctx, state) => ok(renderStrategy(ctx.params.authStrategyId!, engineCall(() => state.engine.get('auth_strategies', ctx.params.authStrategyId!)))),
  },
  {
    method: 'PATCH',
    path: '/v2/application-auth-strategies/{authStrategyId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const id = ctx.params.authStrategyId!;
      if (!state.engine.has('auth_strategies', id)) throw notFound();
      const current = state.engine.get('auth_strategies', id);
      const key = CONFIG_KEY[current.type];
      // strategy_type is not a field of the PATCH body: the type cannot change (6.3 #9).
      const body = checkBody<UpdateBody>(ctx.body, {
        name: COMMON.name!,
        display_name: COMMON.display_name!,
        labels: { type: 'labels', update: true, nullable: true },
        dcr_provider_id: { type: 'string', format: 'uuid', nullable: true },
        principals: PRINCIPALS,
        configs: { type: 'object', fields: { [key]: current.type === 'key_auth' ? KEY_AUTH(true) : OIDC(true) } },
      });
      // Configs merge key by key (UNCLEAR-5, the emulator's DECISION); `ttl: null` removes the TTL.
      const config = { ...(current.config ?? {}) };
      for (const [field, value] of Object.entries(body.configs?.[key] ?? {})) {
        if (value === null) delete config[field];
        else config[field] = value;
      }
      engineCall(() =>
        state.engine.update('auth_strategies', id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.display_name !== undefined && { display_name: body.display_name }),
          config,
          labels: mergeLabels(current.labels ?? {}, body.labels),
        }),
      );
      return ok(renderStrategy(id, state.engine.get('auth_strategies', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/application-auth-strategies/{authStrategyId}',
    auth: 'admin',
    handle: (ctx, state) => {
      engineCall(() => state.engine.delete('auth_strategies', ctx.params.authStrategyId!));
      return noContent();
    },
  },
];
