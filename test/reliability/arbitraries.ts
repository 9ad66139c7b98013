// Generators (fast-check) of random VALID portalctl configs, for the convergence properties.
// Every object is drawn from small pools of names, so that the configs of one sequence overlap: a
// sequence of configs is a sequence of edits (creates, updates, replaces and deletes) of one portal.
// The rules followed are those of schemas/portalctl.schema.json and src/config/semantics.ts, plus
// what each backend can hold (src/backends/konnect/{v3,classic}/capabilities.ts).
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Which backend the configs are for: each holds a different subset of the fields. */
export type Target = 'local' | 'v3' | 'classic';

type Strategy = Record<string, unknown> & { name: string; type: 'key_auth' | 'openid_connect' };
type Version = Record<string, unknown> & { name: string; registration: { enabled: boolean; auth_strategy?: string; auto_approve?: boolean } };
type Product = Record<string, unknown> & { name: string; versions: Version[] };
type Application = Record<string, unknown> & { reference_id: string; name: string };

export interface Config {
  namespace: string;
  auth_strategies: Strategy[];
  products: Product[];
  applications: Application[];
}

// A name's type never changes (a type change is a replace the generator does not aim at).
const KEY_AUTH = ['keys', 'keys-b'];
const OIDC = ['oidc'];
const PRODUCTS = ['billing', 'orders', 'maps'];
const VERSIONS = ['v1', 'v2', 'v3'];
const APPLICATIONS = ['app-0', 'app-1', 'app-2', 'app-3', 'app-4', 'app-5', 'app-6', 'app-7'];
const CREDENTIALS = ['ci', 'prod', 'dev'];
const TEXT = ['', 'Invoices and payments', 'The mobile app', 'päyments: "quoted" #not-a-comment'];

/** Drops the keys whose value is undefined (an optional field the draw left out). */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

function strategyArb(name: string): fc.Arbitrary<Strategy> {
  if (OIDC.includes(name)) {
    return fc
      .record({ scopes: maybe(fc.subarray(['openid', 'email', 'profile'], { minLength: 1 })), display_name: maybe(fc.constantFrom('OpenID', 'SSO')) })
      .map((o) => defined({ name, type: 'openid_connect' as const, issuer: 'https://idp.example.com/', ...o }));
  }
  return fc
    .record({ key_names: maybe(fc.subarray(['apikey', 'x-api-key'], { minLength: 1 })), display_name: maybe(fc.constantFrom('Keys', 'API keys')) })
    .map((o) => defined({ name, type: 'key_auth' as const, ...o }));
}

function versionArb(target: Target, name: string, strategies: readonly string[]): fc.Arbitrary<Version> {
  const registration = fc.oneof(
    fc.constant({ enabled: false }),
    fc.record({ enabled: fc.constant(true), auth_strategy: fc.constantFrom(...strategies), auto_approve: fc.boolean() }),
  );
  return fc
    .record({
      registration,
      publish_status: fc.constantFrom('published', 'unpublished'),
      // What a backend cannot hold is a validation error there: only the local backend holds all.
      description: target === 'local' ? maybe(fc.constantFrom(...TEXT)) : fc.constant(undefined),
      deprecated: target === 'v3' ? fc.constant(undefined) : maybe(fc.boolean()),
      visibility: target === 'classic' ? fc.constant(undefined) : maybe(fc.constantFrom('public', 'private')),
    })
    .map(({ publish_status, visibility, ...v }) => {
      // A version that takes registrations is published (Konnect M5).
      const status = v.registration.enabled ? 'published' : publish_status;
      // v3 keeps a version's visibility on its publication, which an unpublished version has not: it
      // never converges there (see the report of issue 13), so v3 states it only when published.
      return defined({ name, ...v, publish_status: status, visibility: target === 'v3' && status === 'unpublished' ? undefined : visibility });
    });
}

function productArb(target: Target, name: string, strategies: readonly string[]): fc.Arbitrary<Product> {
  // v3 has no product object, only the APIs of its versions (M2): a product has at least one version there.
  const minVersions = target === 'local' ? 0 : 1;
  return fc
    .record({
      description: maybe(fc.constantFrom(...TEXT)),
      labels: maybe(fc.constantFrom({}, { team: 'payments' }, { team: 'maps', tier: 'gold' })),
      versions: fc.subarray(VERSIONS, { minLength: minVersions }).chain((names) => fc.tuple(...names.map((v) => versionArb(target, v, strategies)))),
    })
    .map((p) => defined({ name, ...p }));
}

/** The versions an application may register to: enabled, by strategy. */
function enabledVersions(products: readonly Product[]): { product: string; version: string; strategy: string; autoApprove: boolean }[] {
  return products.flatMap((p) =>
    p.versions
      .filter((v) => v.registration.enabled)
      .map((v) => ({ product: p.name, version: v.name, strategy: v.registration.auth_strategy!, autoApprove: v.registration.auto_approve === true })),
  );
}

function applicationArb(target: Target, id: string, strategies: readonly Strategy[], products: readonly Product[]): fc.Arbitrary<Application> {
  const open = enabledVersions(products);
  // Konnect cannot change an application's strategy in place and refuses to replace one that has
  // registrations (by design): there an application keeps one strategy, `keys`, across a sequence.
  const candidates = target === 'local' ? strategies : strategies.filter((s) => s.name === 'keys');
  return fc.constantFrom(...candidates).chain((strategy) => {
    const reachable = open.filter((v) => v.strategy === strategy.name);
    const registrations = fc.subarray(reachable).chain((chosen) =>
      fc.tuple(
        ...chosen.map((v) =>
          fc
            .constantFrom(...(v.autoApprove ? [undefined, 'approved', 'rejected', 'revoked'] : [undefined, 'approved', 'pending', 'rejected', 'revoked']))
            .map((status) => defined({ product: v.product, version: v.version, status })),
        ),
      ),
    );
    return fc
      .record({
        // Classic keeps application names unique (M17): the name carries the reference ID.
        name: fc.constantFrom(`App ${id}`, `App ${id} (renamed)`),
        description: maybe(fc.constantFrom(...TEXT)),
        // v3 application labels are writable only at creation and classic holds none: local only.
        labels: target === 'local' ? maybe(fc.constantFrom({}, { env: 'prod' })) : fc.constant(undefined),
        registrations,
        // Stated, or left to be derived from the registrations (only when there are some). Konnect
        // backends do not derive it (they take the portal's default, or its only key-auth strategy, and
        // fail at apply otherwise): there it is always stated. See the report of issue 13.
        statesStrategy: target === 'local' ? fc.boolean() : fc.constant(true),
        credentials: strategy.type === 'key_auth' ? fc.subarray(CREDENTIALS).map((names) => names.map((name) => ({ name }))) : fc.constant([]),
      })
      .map(({ statesStrategy, registrations, ...a }) =>
        defined({
          reference_id: id,
          ...a,
          auth_strategy: statesStrategy || registrations.length === 0 ? strategy.name : undefined,
          registrations,
        }),
      );
  });
}

/** A random valid config of `namespace` for `target`, from the shared pools. */
export function configArb(target: Target, namespace: string, { maxApplications = APPLICATIONS.length } = {}): fc.Arbitrary<Config> {
  return fc
    .subarray([...KEY_AUTH, ...OIDC], { minLength: 1 })
    .filter((names) => (target === 'local' ? names.some((n) => KEY_AUTH.includes(n)) : names.includes('keys')))
    .chain((names) => fc.tuple(...names.map(strategyArb)))
    .chain((strategies) =>
      fc
        .subarray(PRODUCTS, { minLength: target === 'local' ? 0 : 1 })
        .chain((names) => fc.tuple(...names.map((p) => productArb(target, p, strategies.map((s) => s.name)))))
        .chain((products) =>
          fc
            .subarray(APPLICATIONS.slice(0, maxApplications))
            .chain((ids) => fc.tuple(...ids.map((id) => applicationArb(target, id, strategies, products))))
            .map((applications) => ({ namespace, auth_strategies: strategies, products, applications })),
        ),
    );
}

/** A sequence of configs (each an edit of the portal the one before it left). */
export function editSequenceArb(target: Target, namespace: string, options: { maxApplications?: number; maxLength?: number } = {}): fc.Arbitrary<Config[]> {
  return fc.array(configArb(target, namespace, options), { minLength: 1, maxLength: options.maxLength ?? 3 });
}

export function toYaml(config: Config): string {
  return stringify(config);
}

/** How many objects a config declares (for the figures). */
export function objectCount(config: Config): number {
  const versions = config.products.reduce((n, p) => n + p.versions.length, 0);
  const children = config.applications.reduce((n, a) => n + ((a.registrations as unknown[] | undefined)?.length ?? 0) + ((a.credentials as unknown[] | undefined)?.length ?? 0), 0);
  return config.auth_strategies.length + config.products.length + versions + config.applications.length + children;
}
