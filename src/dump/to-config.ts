import { isSealed } from '../model/sealed.js';
import type { State } from '../model/state.js';
import type { Application, AuthStrategy, PortalctlConfig, Product } from '../types/config.js';

/**
 * The live state as config: every object, nested as the config nests it (versions in products,
 * registrations and credentials in applications), without backend ids or owner labels. Validating
 * the result succeeds, and planning it against the same portal shows no changes.
 */
export function stateToConfig(state: State, namespace: string): { config: PortalctlConfig; envNames: string[] } {
  const envNames: string[] = [];
  // A sealed value (it came from the environment) cannot be dumped: it becomes a substitution to fill.
  const open = <T>(address: string, attrs: T): T => unsealAsEnv(attrs, address, envNames);
  const flag = (isProtected: boolean) => (isProtected ? { protected: true } : {});
  const byName = <T extends { name?: string; reference_id?: string }>(a: T, b: T) => {
    const ka = a.name ?? a.reference_id ?? '';
    const kb = b.name ?? b.reference_id ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

  const auth_strategies: AuthStrategy[] = state.ofKind('auth_strategy').map((r) => ({ ...open(r.address, r.attrs), ...flag(r.protected) }) as AuthStrategy);

  const products = new Map<string, Product>();
  for (const r of state.ofKind('product')) products.set(r.key, { ...open(r.address, r.attrs), ...flag(r.protected), versions: [] });
  for (const r of state.ofKind('product_version')) {
    const { product, ...version } = open(r.address, r.attrs);
    products.get(product)?.versions?.push({ ...version, ...flag(r.protected) });
  }

  const applications = new Map<string, Application>();
  for (const r of state.ofKind('application')) applications.set(r.key, { ...open(r.address, r.attrs), ...flag(r.protected), registrations: [], credentials: [] });
  for (const r of state.ofKind('registration')) {
    const { application, ...registration } = r.attrs;
    applications.get(application)?.registrations?.push({ ...registration, ...flag(r.protected) });
  }
  for (const r of state.ofKind('credential')) {
    const { application, ...credential } = r.attrs;
    applications.get(application)?.credentials?.push({ ...credential, ...flag(r.protected) });
  }

  for (const p of products.values()) p.versions?.sort(byName);
  const config = {
    namespace,
    auth_strategies: auth_strategies.sort(byName),
    products: [...products.values()].sort(byName),
    applications: [...applications.values()].sort(byName),
  };
  return { config, envNames };
}

/** A copy with each sealed value replaced by `${{ env "NAME" }}`, NAME made from the address and field. */
function unsealAsEnv<T>(value: T, address: string, envNames: string[], path: string[] = []): T {
  if (isSealed(value)) {
    const name = ['PORTALCTL', address, ...path].join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    envNames.push(name);
    return `\${{ env "${name}" }}` as T;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsealAsEnv(v, address, envNames, [...path, k])])) as T;
}

/** The namespace most live objects carry, so a dump plans cleanly against the portal it came from. */
export function commonOwner(state: State): string | undefined {
  const counts = new Map<string, number>();
  for (const r of state.all()) if (r.live?.owner !== undefined) counts.set(r.live.owner, (counts.get(r.live.owner) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
