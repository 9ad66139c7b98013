import type { StoredProductVersion } from '../../backends/local/store-records.js';
import { badRequest, conflict, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, createdLabels, mergeLabels, UUID, type Fields } from '../validate.js';
import { stamps, type Route } from './route.js';

/**
 * v3 APIs (6.1 #8–12). An API is a product version of the store: `name` is its product's name,
 * `version` its name. DECISIONS: the API's description is its product's (MAPPING 3.1: the tool
 * copies the product's description onto every API, so writing one API's description writes the
 * product's); its labels are the version's own, or the product's when the version has none (a state
 * the local backend wrote); `version` is required (the store has no API without one); a product is
 * created with its first API and deleted with its last.
 */
export function renderApi(state: EmulatorState, id: string, v: StoredProductVersion) {
  const product = state.engine.get('products', v.product_id);
  const portal = state.engine.get('portals', state.portalId);
  return {
    id,
    name: product.name,
    description: product.description === '' ? null : product.description,
    version: v.name,
    current_version_summary: null,
    slug: v.slug ?? slugify(product.name, v.name),
    api_spec_ids: [],
    portals: v.publish_status === 'published' ? [{ id: state.portalId, name: portal.name, display_name: portal.display_name ?? portal.name }] : [],
    labels: apiLabels(state, v),
    ...stamps(v),
  };
}

function apiLabels(state: EmulatorState, v: StoredProductVersion): Record<string, string> {
  return v.labels ?? state.engine.get('products', v.product_id).labels ?? {};
}

function slugify(name: string, version: string): string {
  return `${name}-${version}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

const BODY: Fields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', nullable: true },
  version: { type: 'string', minLength: 1, maxLength: 255 },
  slug: { type: 'string', pattern: /^[\w-]+$/, nullable: true },
  attributes: { type: 'object', fields: {}, additional: true },
};

interface ApiBody {
  name?: string;
  description?: string | null;
  version?: string;
  slug?: string | null;
  labels?: Record<string, string | null> | null;
}

/** The product of this name, created (with the API's description and labels) when there is none. */
function productFor(state: EmulatorState, name: string, description: string | null | undefined, labels: Record<string, string>): string {
  const existing = state.engine.list('products').find(([, p]) => p.name === name)?.[0];
  if (existing !== undefined) {
    if (description !== undefined) state.engine.update('products', existing, { description: description ?? '' });
    return existing;
  }
  return state.engine.create('products', { name, description: description ?? '', labels, protected: false }).id;
}

/** A slug no other API holds (6.3 #11). */
function checkSlug(state: EmulatorState, slug: string, self?: string): void {
  for (const [id, v] of state.engine.list('product_versions')) {
    if (id !== self && (v.slug ?? slugify(state.engine.get('products', v.product_id).name, v.name)) === slug) throw conflict(`an API with slug "${slug}" already exists`);
  }
}

function deleteProductIfEmpty(state: EmulatorState, productId: string): void {
  if (!state.engine.list('product_versions').some(([, v]) => v.product_id === productId)) state.engine.delete('products', productId);
}

export function apiOf(ctx: Ctx, state: EmulatorState): [string, StoredProductVersion] {
  const id = ctx.params.apiId!;
  if (!state.engine.has('product_versions', id)) throw notFound();
  return [id, state.engine.get('product_versions', id)];
}

const LIST = {
  filters: {
    id: 'uuid',
    name: 'string',
    version: 'string',
    'labels.*': 'string',
    'attributes.*': 'string',
    implementation_mode: 'string',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  sort: ['name', 'version', 'created_at', 'updated_at'],
} as const;

export const apiRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v3/apis',
    auth: 'admin',
    handle: (ctx, state) =>
      ok(
        page(
          ctx,
          state.engine.list('product_versions'),
          LIST,
          ([id, v]) =>
            (field) => {
              if (field.startsWith('labels.')) return apiLabels(state, v)[field.slice('labels.'.length)];
              if (field.startsWith('attributes.')) return undefined;
              return ({ id, name: state.engine.get('products', v.product_id).name, version: v.name, implementation_mode: null, ...stamps(v) } as Record<string, string | null>)[field];
            },
          ([id, v]) => renderApi(state, id, v),
        ),
      ),
  },
  {
    method: 'POST',
    path: '/v3/apis',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const body = checkBody<ApiBody>(ctx.body, { ...BODY, labels: { type: 'labels' }, spec_content: { type: 'string' } }, ['name', 'version']);
      const name = body.name!;
      const version = body.version!;
      const slug = body.slug ?? slugify(name, version);
      checkSlug(state, slug);
      const labels = createdLabels(body.labels);
      const existing = state.engine.list('products').find(([, p]) => p.name === name)?.[0];
      if (existing !== undefined && state.engine.list('product_versions').some(([, v]) => v.product_id === existing && v.name === version)) {
        throw conflict(`an API with name "${name}" and version "${version}" already exists`);
      }
      const productId = productFor(state, name, body.description, labels);
      const record: StoredProductVersion = {
        product_id: productId,
        name: version,
        description: '',
        publish_status: 'unpublished',
        visibility: 'private',
        deprecated: false,
        registration: { enabled: false, auth_strategy_id: null, auto_approve: false },
        labels,
        slug,
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('product_versions', record));
      return ok(renderApi(state, id, state.engine.get('product_versions', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v3/apis/{apiId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = apiOf(ctx, state);
      return ok(renderApi(state, id, v));
    },
  },
  {
    method: 'PATCH',
    path: '/v3/apis/{apiId}',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const [id, v] = apiOf(ctx, state);
      const body = checkBody<ApiBody>(ctx.body, { ...BODY, labels: { type: 'labels', update: true, nullable: true } });
      const product = state.engine.get('products', v.product_id);
      const name = body.name ?? product.name;
      const version = body.version ?? v.name;
      if (body.slug !== undefined && body.slug !== null) checkSlug(state, body.slug, id);
      const labels = mergeLabels(apiLabels(state, v), body.labels);
      const productId = name === product.name ? v.product_id : productFor(state, name, undefined, labels);
      if (body.description !== undefined) state.engine.update('products', productId, { description: body.description ?? '' });
      engineCall(() => state.engine.update('product_versions', id, { product_id: productId, name: version, labels, ...(body.slug !== undefined && { slug: body.slug ?? slugify(name, version) }) }));
      if (productId !== v.product_id) deleteProductIfEmpty(state, v.product_id);
      return ok(renderApi(state, id, state.engine.get('product_versions', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v3/apis/{apiId}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, v] = apiOf(ctx, state);
      // Its registrations go with it (6.3 #12, a DECISION); so does its product when it was the last API.
      engineCall(() => state.engine.delete('product_versions', id));
      deleteProductIfEmpty(state, v.product_id);
      return noContent();
    },
  },
];

/** Whether a path id looks like an id at all (the rest are 404s, as unknown ids are). */
export const isUuid = (text: string) => UUID.test(text);
export { badRequest };
