import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { address, splitAddress, type AttrsByKind, type Kind } from '../../model/kind.js';
import { specOf } from '../../model/kinds/index.js';
import type { AnyResource, Resource } from '../../model/resource.js';
import { State } from '../../model/state.js';
import { sealPaths } from '../../model/sealed.js';
import { BackendError, OWNER_LABEL, type Backend, type CreateResult, type Transaction, type WriteContext } from '../backend.js';
import { acquireLock, loadStore, saveStore, type StoreData, type StoredAuthStrategy } from './store.js';

/**
 * The embedded portal: a JSON file with Konnect's rules — generated ids, unique names and reference
 * IDs, registration status from auto-approve, credentials generated once and kept only as a hash,
 * cascading deletes, strategies that cannot be deleted while in use, owner labels.
 */
export class LocalBackend implements Backend {
  readonly type = 'local' as const;
  constructor(readonly target: string) {}

  async read(): Promise<State> {
    return toState(await loadStore(this.target));
  }

  async transaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    const release = await acquireLock(this.target);
    try {
      const data = await loadStore(this.target);
      const tx = new LocalTransaction(data);
      try {
        return await run(tx);
      } finally {
        // One write per apply, of everything that landed, even when the run failed part-way.
        if (tx.dirty) await saveStore(this.target, data);
      }
    } finally {
      await release();
    }
  }
}

/** The live state of a store: every record as a resource with its names resolved. */
export function toState(data: StoreData): State {
  const state = new State();
  const add = <K extends Kind>(kind: K, id: string, attrs: AttrsByKind[K], isProtected: boolean, owner: string | undefined) => {
    const key = specOf(kind).key(attrs);
    const resource = { kind, key, address: address(kind, key), attrs, protected: isProtected, live: { id, ...(owner !== undefined && { owner }) } };
    state.add(resource as unknown as AnyResource);
  };
  const strategyName = (id: string | null) => (id === null ? undefined : data.auth_strategies[id]?.name);

  for (const [id, s] of Object.entries(data.auth_strategies)) {
    const { labels, owner } = splitLabels(s.labels);
    add('auth_strategy', id, { name: s.name, display_name: s.display_name, type: s.type, ...s.config, labels } as AttrsByKind['auth_strategy'], s.protected, owner);
  }
  for (const [id, p] of Object.entries(data.products)) {
    const { labels, owner } = splitLabels(p.labels);
    add('product', id, { name: p.name, description: p.description, labels }, p.protected, owner);
  }
  for (const [id, v] of Object.entries(data.product_versions)) {
    const product = data.products[v.product_id]!;
    const strategy = strategyName(v.registration.auth_strategy_id);
    add(
      'product_version',
      id,
      {
        product: product.name,
        name: v.name,
        description: v.description,
        publish_status: v.publish_status,
        visibility: v.visibility,
        deprecated: v.deprecated,
        registration: { enabled: v.registration.enabled, ...(strategy !== undefined && { auth_strategy: strategy }), auto_approve: v.registration.auto_approve },
      },
      v.protected,
      splitLabels(product.labels).owner,
    );
  }
  for (const [id, a] of Object.entries(data.applications)) {
    const { labels, owner } = splitLabels(a.labels);
    const strategy = strategyName(a.auth_strategy_id);
    add(
      'application',
      id,
      {
        reference_id: a.reference_id,
        name: a.name,
        description: a.description,
        ...(a.owner && { owner: a.owner }),
        ...(strategy !== undefined && { auth_strategy: strategy }),
        labels,
      },
      a.protected,
      owner,
    );
  }
  for (const [id, r] of Object.entries(data.registrations)) {
    const app = data.applications[r.application_id]!;
    const version = data.product_versions[r.product_version_id]!;
    const product = data.products[version.product_id]!;
    add('registration', id, { application: app.reference_id, product: product.name, version: version.name, status: r.status }, r.protected, splitLabels(app.labels).owner);
  }
  for (const [id, c] of Object.entries(data.credentials)) {
    const app = data.applications[c.application_id]!;
    add('credential', id, { application: app.reference_id, name: c.name }, c.protected, splitLabels(app.labels).owner);
  }
  return state;
}

function splitLabels(all: Record<string, string> | undefined): { labels: Record<string, string>; owner?: string } {
  const { [OWNER_LABEL]: owner, ...labels } = all ?? {};
  return owner === undefined ? { labels } : { labels, owner };
}

/** The writes of one apply, on the in-memory store; LocalBackend saves it once at the end. */
class LocalTransaction implements Transaction {
  dirty = false;
  /** Address → id, built once and kept current by create and delete. */
  private readonly ids = new Map<string, string>();

  constructor(private readonly data: StoreData) {
    for (const r of toState(data).all()) this.ids.set(r.address, r.live!.id);
  }

  async create(input: AnyResource, ctx: WriteContext): Promise<CreateResult> {
    const resource = withSealedSecrets(input);
    const id = randomUUID();
    const d = this.data;
    const isProtected = resource.protected;
    let result: CreateResult = {};
    switch (resource.kind) {
      case 'auth_strategy': {
        const { name, display_name, type, labels, config } = splitStrategy(resource.attrs);
        this.unique(Object.values(d.auth_strategies).some((s) => s.name === name), `auth strategy "${name}" already exists`);
        d.auth_strategies[id] = { name, display_name: display_name ?? name, type, config, labels: owned(labels, ctx), protected: isProtected } as StoredAuthStrategy;
        break;
      }
      case 'product': {
        const a = resource.attrs;
        this.unique(Object.values(d.products).some((p) => p.name === a.name), `product "${a.name}" already exists`);
        d.products[id] = { name: a.name, description: a.description ?? '', labels: owned(a.labels, ctx), protected: isProtected };
        break;
      }
      case 'product_version': {
        const a = resource.attrs;
        const productId = this.idOf('product', a.product);
        this.unique(Object.values(d.product_versions).some((v) => v.product_id === productId && v.name === a.name), `version "${a.name}" of product "${a.product}" already exists`);
        d.product_versions[id] = { product_id: productId, ...this.versionFields(a), protected: isProtected };
        break;
      }
      case 'application': {
        const a = resource.attrs;
        this.unique(Object.values(d.applications).some((x) => x.reference_id === a.reference_id), `an application with reference ID "${a.reference_id}" already exists`);
        d.applications[id] = { reference_id: a.reference_id, ...this.applicationFields(a), labels: owned(a.labels, ctx), protected: isProtected };
        break;
      }
      case 'registration': {
        const a = resource.attrs;
        const applicationId = this.idOf('application', a.application);
        const versionId = this.idOf('product_version', `${a.product}/${a.version}`);
        const version = d.product_versions[versionId]!;
        if (!version.registration.enabled) throw new BackendError(`registration is disabled on ${a.product}/${a.version}`, 400);
        this.unique(
          Object.values(d.registrations).some((r) => r.application_id === applicationId && r.product_version_id === versionId),
          `application "${a.application}" is already registered to ${a.product}/${a.version}`,
        );
        const status = a.status ?? (version.registration.auto_approve ? 'approved' : 'pending');
        d.registrations[id] = { application_id: applicationId, product_version_id: versionId, status, protected: isProtected };
        break;
      }
      case 'credential': {
        const a = resource.attrs;
        const applicationId = this.idOf('application', a.application);
        this.unique(Object.values(d.credentials).some((c) => c.application_id === applicationId && c.name === a.name), `credential "${a.name}" of "${a.application}" already exists`);
        const key = randomBytes(24).toString('base64url');
        d.credentials[id] = { application_id: applicationId, name: a.name, key_hash: hashKey(key), created_at: new Date().toISOString(), protected: isProtected };
        result = { secret: key };
        break;
      }
    }
    this.ids.set(resource.address, id);
    this.dirty = true;
    return result;
  }

  async update(input: AnyResource, ctx: WriteContext): Promise<void> {
    const resource = withSealedSecrets(input);
    const d = this.data;
    const id = this.idOf(resource.kind, resource.key);
    switch (resource.kind) {
      case 'auth_strategy': {
        const { name, display_name, type, labels, config } = splitStrategy(resource.attrs);
        const s = d.auth_strategies[id]!;
        if (s.type !== type) throw new BackendError(`auth strategy "${name}" is ${s.type}; its type cannot change (delete it and create it again)`, 400);
        Object.assign(s, { display_name: display_name ?? name, config, labels: owned(labels, ctx), protected: resource.protected });
        break;
      }
      case 'product': {
        const a = resource.attrs;
        Object.assign(d.products[id]!, { description: a.description ?? '', labels: owned(a.labels, ctx), protected: resource.protected });
        break;
      }
      case 'product_version':
        Object.assign(d.product_versions[id]!, this.versionFields(resource.attrs), { protected: resource.protected });
        break;
      case 'application':
        Object.assign(d.applications[id]!, this.applicationFields(resource.attrs), { labels: owned(resource.attrs.labels, ctx), protected: resource.protected });
        break;
      case 'registration': {
        const r = d.registrations[id]!;
        if (resource.attrs.status !== undefined) r.status = resource.attrs.status;
        r.protected = resource.protected;
        break;
      }
      case 'credential':
        d.credentials[id]!.protected = resource.protected; // a key is never changed: rotate by replacing the credential
        break;
    }
    this.dirty = true;
  }

  async delete(addr: string): Promise<void> {
    const [kind, key] = splitAddress(addr);
    const id = this.idOf(kind, key);
    const d = this.data;
    const dropWhere = <T>(records: Record<string, T>, test: (r: T) => boolean) => {
      for (const [rid, r] of Object.entries(records)) if (test(r)) delete records[rid];
    };
    switch (kind) {
      case 'auth_strategy': {
        const users = [
          ...Object.values(d.product_versions).filter((v) => v.registration.auth_strategy_id === id).map((v) => `version ${d.products[v.product_id]!.name}/${v.name}`),
          ...Object.values(d.applications).filter((a) => a.auth_strategy_id === id).map((a) => `application ${a.reference_id}`),
        ];
        if (users.length > 0) throw new BackendError(`auth strategy is in use by ${users.join(', ')}`, 409);
        delete d.auth_strategies[id];
        break;
      }
      case 'product': {
        const versions = new Set(Object.entries(d.product_versions).filter(([, v]) => v.product_id === id).map(([vid]) => vid));
        dropWhere(d.registrations, (r) => versions.has(r.product_version_id));
        dropWhere(d.product_versions, (v) => v.product_id === id);
        delete d.products[id];
        break;
      }
      case 'product_version':
        dropWhere(d.registrations, (r) => r.product_version_id === id);
        delete d.product_versions[id];
        break;
      case 'application':
        dropWhere(d.registrations, (r) => r.application_id === id);
        dropWhere(d.credentials, (c) => c.application_id === id);
        delete d.applications[id];
        break;
      case 'registration':
        delete d.registrations[id];
        break;
      case 'credential':
        delete d.credentials[id];
        break;
    }
    this.ids.delete(addr);
    this.dirty = true;
  }

  private versionFields(a: AttrsByKind['product_version']) {
    const reg = a.registration ?? { enabled: false };
    return {
      name: a.name,
      description: a.description ?? '',
      publish_status: a.publish_status ?? 'published',
      visibility: a.visibility ?? 'private',
      deprecated: a.deprecated ?? false,
      registration: {
        enabled: reg.enabled,
        auth_strategy_id: reg.auth_strategy === undefined ? null : this.idOf('auth_strategy', reg.auth_strategy),
        auto_approve: reg.auto_approve ?? false,
      },
    };
  }

  private applicationFields(a: AttrsByKind['application']) {
    return {
      name: a.name,
      description: a.description ?? '',
      owner: a.owner ?? null,
      auth_strategy_id: a.auth_strategy === undefined ? null : this.idOf('auth_strategy', a.auth_strategy),
    };
  }

  /** The id of the live object with this kind and key; a missing one is a 404, as Konnect would answer. */
  private idOf(kind: Kind, key: string): string {
    const id = this.ids.get(address(kind, key));
    // A cascade may have removed the record behind a remembered id: check the table itself.
    if (id === undefined || !(id in this.data[TABLE[kind]])) throw new BackendError(`${specOf(kind).noun} "${key}" does not exist`, 404);
    return id;
  }

  private unique(exists: boolean, message: string): void {
    if (exists) throw new BackendError(message, 409);
  }
}

/** A strategy's common fields, and the rest: its type-specific config (key_names, issuer, …). */
function splitStrategy(attrs: AttrsByKind['auth_strategy']) {
  const { name, display_name, type, labels, ...config } = attrs as AttrsByKind['auth_strategy'] & { labels?: Record<string, string> };
  return { name, display_name, type, labels, config };
}

/** The store table of each kind. */
const TABLE = {
  auth_strategy: 'auth_strategies',
  product: 'products',
  product_version: 'product_versions',
  application: 'applications',
  registration: 'registrations',
  credential: 'credentials',
} as const satisfies Record<Kind, keyof StoreData>;

/** The resource with its environment values sealed: the state file never holds them. */
function withSealedSecrets(resource: AnyResource): AnyResource {
  return resource.secretAttrs?.length ? ({ ...resource, attrs: sealPaths(resource.attrs, resource.secretAttrs) } as AnyResource) : resource;
}

function owned(labels: Record<string, string> | undefined, ctx: WriteContext): Record<string, string> {
  return { ...labels, [OWNER_LABEL]: ctx.namespace };
}

export function hashKey(key: string): string {
  return 'sha256:' + createHash('sha256').update(key).digest('hex');
}
