import type { State } from '../model/state.js';
import type { Application, AuthStrategy, PortalctlConfig, Product } from '../types/config.js';

/**
 * The live state as config: every object, nested as the config nests it (versions in products,
 * registrations and credentials in applications), without backend ids or owner labels. Validating
 * the result succeeds, and planning it against the same portal shows no changes.
 */
export function stateToConfig(state: State, namespace: string): PortalctlConfig {
  const flag = (isProtected: boolean) => (isProtected ? { protected: true } : {});
  const byName = <T extends { name?: string; reference_id?: string }>(a: T, b: T) => {
    const ka = a.name ?? a.reference_id ?? '';
    const kb = b.name ?? b.reference_id ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

  const auth_strategies: AuthStrategy[] = state.ofKind('auth_strategy').map((r) => ({ ...r.attrs, ...flag(r.protected) }) as AuthStrategy);

  const products = new Map<string, Product>();
  for (const r of state.ofKind('product')) products.set(r.key, { ...r.attrs, ...flag(r.protected), versions: [] });
  for (const r of state.ofKind('product_version')) {
    const { product, ...version } = r.attrs;
    products.get(product)?.versions?.push({ ...version, ...flag(r.protected) });
  }

  const applications = new Map<string, Application>();
  for (const r of state.ofKind('application')) applications.set(r.key, { ...r.attrs, ...flag(r.protected), registrations: [], credentials: [] });
  for (const r of state.ofKind('registration')) {
    const { application, ...registration } = r.attrs;
    applications.get(application)?.registrations?.push({ ...registration, ...flag(r.protected) });
  }
  for (const r of state.ofKind('credential')) {
    const { application, ...credential } = r.attrs;
    applications.get(application)?.credentials?.push({ ...credential, ...flag(r.protected) });
  }

  for (const p of products.values()) p.versions?.sort(byName);
  return {
    namespace,
    auth_strategies: auth_strategies.sort(byName),
    products: [...products.values()].sort(byName),
    applications: [...applications.values()].sort(byName),
  };
}

/** The namespace most live objects carry, so a dump plans cleanly against the portal it came from. */
export function commonOwner(state: State): string | undefined {
  const counts = new Map<string, number>();
  for (const r of state.all()) if (r.live?.owner !== undefined) counts.set(r.live.owner, (counts.get(r.live.owner) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
