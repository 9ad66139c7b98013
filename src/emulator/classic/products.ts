import type { StoredProduct } from '../../backends/local/store-records.js';
import { badRequest, noContent, notFound, ok, type Ctx } from '../http.js';
import { page } from '../listing.js';
import { stamps, type Route } from '../routes/route.js';
import { engineCall, type EmulatorState } from '../state.js';
import { checkBody, createdLabels, mergeLabels, type Fields } from '../validate.js';

/**
 * API products (6.2 #8–12, api-products v2) over the store's products. DECISIONS: names are unique
 * (the local engine's key; Konnect documents no 409, see test/contract/allowed.ts); `portal_ids` may
 * name only the emulator's portal; deleting a product deletes its versions and their registrations
 * (the engine's cascade, UNCLEAR-20).
 */
export function renderProduct(state: EmulatorState, id: string, p: StoredProduct) {
  const portalIds = p.portal_ids ?? [];
  const portalName = state.engine.get('portals', state.portalId).name;
  return {
    id,
    name: p.name,
    description: p.description === '' ? null : p.description,
    portal_ids: portalIds,
    portals: portalIds.map((portalId) => ({ portal_id: portalId, portal_name: portalName })),
    version_count: state.engine.list('product_versions').filter(([, v]) => v.product_id === id).length,
    ...stamps(p),
    labels: p.labels ?? {},
    public_labels: p.public_labels ?? {},
  };
}

export function productOf(ctx: Ctx, state: EmulatorState, param = 'id'): [string, StoredProduct] {
  const id = ctx.params[param]!;
  if (!state.engine.has('products', id)) throw notFound();
  return [id, state.engine.get('products', id)];
}

const PORTAL_IDS: Fields[string] = { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 0 };
const BODY: Fields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  description: { type: 'string', nullable: true },
  portal_ids: PORTAL_IDS,
};

interface ProductBody {
  name?: string;
  description?: string | null;
  labels?: Record<string, string | null> | null;
  public_labels?: Record<string, string | null> | null;
  portal_ids?: string[];
}

/** The portal ids of a body: distinct, and only this emulator's portal. */
function checkPortalIds(state: EmulatorState, ids: readonly string[]): string[] {
  if (new Set(ids).size !== ids.length) throw badRequest([{ field: 'portal_ids', rule: 'unique_items', reason: '"portal_ids" must not repeat an id', source: 'body' }]);
  const unknown = ids.findIndex((id) => id !== state.portalId);
  if (unknown >= 0) throw badRequest([{ field: `portal_ids[${unknown}]`, rule: 'missing_reference', reason: `portal ${ids[unknown]} does not exist`, source: 'body' }]);
  return [...ids];
}

/** `labels=key:value,keyExists` (get-many-api-product): every term must hold. */
function labelsMatch(query: string | null, labels: Record<string, string>): boolean {
  if (query === null || query === '') return true;
  return query.split(',').every((term) => {
    const colon = term.indexOf(':');
    return colon < 0 ? Object.hasOwn(labels, term) : labels[term.slice(0, colon)] === term.slice(colon + 1);
  });
}

export const productRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v2/api-products',
    auth: 'admin',
    handle: (ctx, state) => {
      const kept = state.engine.list('products').filter(([, p]) => labelsMatch(ctx.query.get('labels'), p.labels ?? {}) && labelsMatch(ctx.query.get('public_labels'), p.public_labels ?? {}));
      return ok(page(ctx, kept, { filters: { name: 'string' }, sort: ['name'] }, ([, p]) => (field) => (field === 'name' ? p.name : undefined), ([id, p]) => renderProduct(state, id, p)));
    },
  },
  {
    method: 'POST',
    path: '/v2/api-products',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const body = checkBody<ProductBody>(ctx.body, { ...BODY, labels: { type: 'labels' }, public_labels: { type: 'labels' } }, ['name']);
      const record: StoredProduct = {
        name: body.name!,
        description: body.description ?? '',
        labels: createdLabels(body.labels),
        public_labels: createdLabels(body.public_labels),
        portal_ids: checkPortalIds(state, body.portal_ids ?? []),
        protected: false,
      };
      const { id } = engineCall(() => state.engine.create('products', record), 'name');
      return ok(renderProduct(state, id, state.engine.get('products', id)), 201);
    },
  },
  {
    method: 'GET',
    path: '/v2/api-products/{id}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id, p] = productOf(ctx, state);
      return ok(renderProduct(state, id, p));
    },
  },
  {
    method: 'PATCH',
    path: '/v2/api-products/{id}',
    auth: 'admin',
    jsonOnly: true,
    handle: (ctx, state) => {
      const [id, p] = productOf(ctx, state);
      const body = checkBody<ProductBody>(ctx.body, { ...BODY, labels: { type: 'labels', update: true, nullable: true }, public_labels: { type: 'labels', update: true } });
      engineCall(
        () =>
          state.engine.update('products', id, {
            ...(body.name !== undefined && { name: body.name }),
            ...(body.description !== undefined && { description: body.description ?? '' }),
            labels: mergeLabels(p.labels ?? {}, body.labels),
            public_labels: mergeLabels(p.public_labels ?? {}, body.public_labels),
            ...(body.portal_ids !== undefined && { portal_ids: checkPortalIds(state, body.portal_ids) }),
          }),
        'name',
      );
      return ok(renderProduct(state, id, state.engine.get('products', id)));
    },
  },
  {
    method: 'DELETE',
    path: '/v2/api-products/{id}',
    auth: 'admin',
    handle: (ctx, state) => {
      const [id] = productOf(ctx, state);
      engineCall(() => state.engine.delete('products', id));
      return noContent();
    },
  },
];
