import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { address, splitAddress, type AttrsByKind, type Kind } from '../../model/kind.js';
import { specOf } from '../../model/kinds/index.js';
import type { AnyResource, Resource } from '../../model/resource.js';
import { State } from '../../model/state.js';
import { sealPaths } from '../../model/sealed.js';
import { BackendError, OWNER_LABEL, type Backend, type CreateResult, type Transaction, type WriteContext } from '../backend.js';
import { UserError } from '../../errors.js';
import { acquireLock } from './lock.js';
import { realStatePath } from './state-path.js';
import { loadStore, saveStore, type StoreData, type StoredAuthStrategy } from './store.js';
import { StoreIndex } from './store-index.js';

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
    // A state reached through a symbolic link is written through it, and locked beside the file itself.
    const file = await realStatePath(this.target).catch((cause: NodeJS.ErrnoException) => {
      throw new UserError(`${this.target}: cannot resolve the local state (${cause.code ?? String(cause)})`);
    });
    const release = await acquireLock(`${file}.lock`, this.target);
    try {
      const data = await loadStore(file, this.target);
      const tx = new LocalTransaction(data);
      try {
        return await run(tx);
      } finally {
        // One write per apply, of everything that landed, even when the run failed part-way.
        if (tx.dirty) await saveStore(file, data);
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

/**
 * The writes of one apply, on the in-memory store; LocalBackend saves it once at the end. Every check
 * is a lookup (addresses to ids, references by parent id): an apply costs what its changes cost, not
 * a scan of a table per change.
 */
export class LocalTransaction implements Transaction {
  dirty = false;
  /**
   * Address → id, built once and kept current by create and delete. An address is exactly what the
   * portal keeps unique (names, reference IDs, per parent), so it answers the uniqueness checks too.
   */
  private readonly ids = new Map<string, string>();
  private readonly store: StoreIndex;

  constructor(private readonly data: StoreData) {
    for (const r of toState(data).all()) this.ids.set(r.address, r.live!.id);
    this.store = new StoreIndex(data);
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
        this.unique(resource, `auth strategy "${name}" already exists`);
        this.store.insert('auth_strategies', id, { name, display_name: display_name ?? name, type, config, labels: owned(labels, ctx), protected: isProtected } as StoredAuthStrategy);
        break;
      }
      case 'product': {
        const a = resource.attrs;
        this.unique(resource, `product "${a.name}" already exists`);
        this.store.insert('products', id, { name: a.name, description: a.description ?? '', labels: owned(a.labels, ctx), protected: isProtected });
        break;
      }
      case 'product_version': {
        const a = resource.attrs;
        const productId = this.idOf('product', a.product);
        this.unique(resource, `version "${a.name}" of product "${a.product}" already exists`);
        this.store.insert('product_versions', id, { product_id: productId, ...this.versionFields(a), protected: isProtected });
        break;
      }
      case 'application': {
        const a = resource.attrs;
        this.unique(resource, `an application with reference ID "${a.reference_id}" already exists`);
        this.store.insert('applications', id, { reference_id: a.reference_id, ...this.applicationFields(a), labels: owned(a.labels, ctx), protected: isProtected });
        break;
      }
      case 'registration': {
        const a = resource.attrs;
        const applicationId = this.idOf('application', a.application);
        const versionId = this.idOf('product_version', `${a.product}/${a.version}`);
        const version = d.product_versions[versionId]!;
        if (!version.registration.enabled) throw new BackendError(`registration is disabled on ${a.product}/${a.version}`, 400);
        this.unique(resource, `application "${a.application}" is already registered to ${a.product}/${a.version}`);
        const status = a.status ?? (version.registration.auto_approve ? 'approved' : 'pending');
        this.store.insert('registrations', id, { application_id: applicationId, product_version_id: versionId, status, protected: isProtected });
        break;
      }
      case 'credential': {
        const a = resource.attrs;
        const applicationId = this.idOf('application', a.application);
        this.unique(resource, `credential "${a.name}" of "${a.application}" already exists`);
        const key = randomBytes(24).toString('base64url');
        this.store.insert('credentials', id, { application_id: applicationId, name: a.name, key_hash: hashKey(key), created_at: new Date().toISOString(), protected: isProtected });
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
    const isProtected = resource.protected;
    switch (resource.kind) {
      case 'auth_strategy': {
        const { name, display_name, type, labels, config } = splitStrategy(resource.attrs);
        const s = d.auth_strategies[id]!;
        if (s.type !== type) throw new BackendError(`auth strategy "${name}" is ${s.type}; its type cannot change (delete it and create it again)`, 400);
        this.store.update('auth_strategies', id, { display_name: display_name ?? name, config, labels: owned(labels, ctx), protected: isProtected });
        break;
      }
      case 'product': {
        const a = resource.attrs;
        this.store.update('products', id, { description: a.description ?? '', labels: owned(a.labels, ctx), protected: isProtected });
        break;
      }
      case 'product_version':
        this.store.update('product_versions', id, { ...this.versionFields(resource.attrs), protected: isProtected });
        break;
      case 'application':
        this.store.update('applications', id, { ...this.applicationFields(resource.attrs), labels: owned(resource.attrs.labels, ctx), protected: isProtected });
        break;
      case 'registration': {
        const status = resource.attrs.status;
        this.store.update('registrations', id, { ...(status !== undefined && { status }), protected: isProtected });
        break;
      }
      case 'credential':
        this.store.update('credentials', id, { protected: isProtected }); // a key is never changed: rotate by replacing the credential
        break;
    }
    this.dirty = true;
  }

  async delete(addr: string): Promise<void> {
    const [kind, key] = splitAddress(addr);
    const id = this.idOf(kind, key);
    const d = this.data;
    const s = this.store;
    const dropAll = (table: Parameters<StoreIndex['remove']>[0], ids: string[]) => {
      for (const child of ids) s.remove(table, child);
    };
    switch (kind) {
      case 'auth_strategy': {
        const users = [
          ...s.childrenOf('versionsOfStrategy', id).map((vid) => d.product_versions[vid]!).map((v) => `version ${d.products[v.product_id]!.name}/${v.name}`),
          ...s.childrenOf('applicationsOfStrategy', id).map((aid) => `application ${d.applications[aid]!.reference_id}`),
        ];
        if (users.length > 0) throw new BackendError(`auth strategy is in use by ${users.join(', ')}`, 409);
        s.remove('auth_strategies', id);
        break;
      }
      case 'product':
        for (const vid of s.childrenOf('versionsOfProduct', id)) {
          dropAll('registrations', s.childrenOf('registrationsOfVersion', vid));
          s.remove('product_versions', vid);
        }
        s.remove('products', id);
        break;
      case 'product_version':
        dropAll('registrations', s.childrenOf('registrationsOfVersion', id));
        s.remove('product_versions', id);
        break;
      case 'application':
        dropAll('registrations', s.childrenOf('registrationsOfApplication', id));
        dropAll('credentials', s.childrenOf('credentialsOfApplication', id));
        s.remove('applications', id);
        break;
      case 'registration':
        s.remove('registrations', id);
        break;
      case 'credential':
        s.remove('credentials', id);
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
    } as const;
  }

  private applicationFields(a: AttrsByKind['application']) {
    return {
      name: a.name,
      description: a.description ?? '',
      owner: a.owner ?? null,
      auth_strategy_id: a.auth_strategy === undefined ? null : this.idOf('auth_strategy', a.auth_strategy),
    };
  }

  /** The id of the live object with this kind and key, if there is one. */
  private lookup(kind: Kind, key: string): string | undefined {
    const id = this.ids.get(address(kind, key));
    // A cascade may have removed the record behind a remembered id: check the table itself.
    return id !== undefined && id in this.data[TABLE[kind]] ? id : undefined;
  }

  /** The id of the live object with this kind and key; a missing one is a 404, as Konnect would answer. */
  private idOf(kind: Kind, key: string): string {
    const id = this.lookup(kind, key);
    if (id === undefined) throw new BackendError(`${specOf(kind).noun} "${key}" does not exist`, 404);
    return id;
  }

  /** Refuses a create whose key (name, reference ID, per parent) the portal already holds. */
  private unique(resource: AnyResource, message: string): void {
    if (this.lookup(resource.kind, resource.key) !== undefined) throw new BackendError(message, 409);
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
