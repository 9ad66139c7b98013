import { isSealed } from '../model/sealed.js';
import type { AnyResource } from '../model/resource.js';
import type { State } from '../model/state.js';
import type { Application, AuthStrategy, PortalctlConfig, Product } from '../types/config.js';

/**
 * The live state as config: every object, nested as the config nests it (versions in products,
 * registrations and credentials in applications), without backend ids or owner labels. Validating
 * the result succeeds, and planning it against the same portal shows no changes. A sealed value
 * (it came from the environment, and only its hash is stored) becomes a `${{ env "PORTALCTL_…" }}`
 * substitution wherever it sits, in every kind; `envNames` lists them.
 */
export function stateToConfig(state: State, namespace: string): { config: PortalctlConfig; envNames: string[] } {
  const envNames = new EnvNames();
  // Every resource is opened once, in address order, so that the variable names do not depend on the store's order.
  const opened = new Map<string, object>();
  for (const r of [...state.all()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))) {
    opened.set(r.address, unsealAsEnv(r.attrs, r.address, envNames));
  }
  const open = <R extends AnyResource>(r: R): R['attrs'] => opened.get(r.address) as R['attrs'];
  const flag = (isProtected: boolean) => (isProtected ? { protected: true } : {});
  const byName = <T extends { name?: string; reference_id?: string }>(a: T, b: T) => {
    const ka = a.name ?? a.reference_id ?? '';
    const kb = b.name ?? b.reference_id ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

  const auth_strategies: AuthStrategy[] = state.ofKind('auth_strategy').map((r) => ({ ...open(r), ...flag(r.protected) }) as AuthStrategy);

  const products = new Map<string, Product>();
  for (const r of state.ofKind('product')) products.set(r.key, { ...open(r), ...flag(r.protected), versions: [] });
  for (const r of state.ofKind('product_version')) {
    const { product, ...version } = open(r);
    products.get(product)?.versions?.push({ ...version, ...flag(r.protected) });
  }

  const applications = new Map<string, Application>();
  for (const r of state.ofKind('application')) applications.set(r.key, { ...open(r), ...flag(r.protected), registrations: [], credentials: [] });
  for (const r of state.ofKind('registration')) {
    const { application, ...registration } = open(r);
    applications.get(application)?.registrations?.push({ ...registration, ...flag(r.protected) });
  }
  for (const r of state.ofKind('credential')) {
    const { application, ...credential } = open(r);
    applications.get(application)?.credentials?.push({ ...credential, ...flag(r.protected) });
  }

  for (const p of products.values()) p.versions?.sort(byName);
  const config = {
    namespace,
    auth_strategies: auth_strategies.sort(byName),
    products: [...products.values()].sort(byName),
    applications: [...applications.values()].sort(byName),
  };
  return { config, envNames: envNames.all };
}

/** A copy with each sealed value, at any depth (list items too), replaced by `${{ env "NAME" }}`. */
function unsealAsEnv<T>(value: T, address: string, envNames: EnvNames, path: (string | number)[] = []): T {
  if (isSealed(value)) return `\${{ env "${envNames.take([address, ...path])}" }}` as T;
  if (Array.isArray(value)) return value.map((item, i) => unsealAsEnv(item, address, envNames, [...path, i])) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsealAsEnv(v, address, envNames, [...path, k])])) as T;
}

/**
 * Variable names made from an address and a field path (`PORTALCTL_AUTH_STRATEGY_KEY_AUTH_KEY_NAMES_0`).
 * Distinct positions can spell the same name (`a-b` and `a_b`): a later one gets a numeric suffix,
 * so that two secrets never share one variable.
 */
class EnvNames {
  readonly all: string[] = [];
  private readonly taken = new Set<string>();

  take(parts: readonly (string | number)[]): string {
    const base = ['PORTALCTL', ...parts].join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/_+$/, '');
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    this.all.push(name);
    return name;
  }
}
