import { isSealed } from '../model/sealed.js';
import { templateVariables } from '../config/env.js';
import { replaceAtPaths } from '../model/attr-paths.js';
import type { AnyResource } from '../model/resource.js';
import type { State } from '../model/state.js';
import type { PortalctlConfig } from '../types/config.js';
import { KINDS, SECTIONS } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import { parentOf } from '../model/scope.js';
import { parseGenerationName } from '../model/kinds/credential-generation.js';

/**
 * The live state as config: every object, nested as the config nests it (versions in products,
 * registrations and credentials in applications), without backend ids or owner labels. Validating
 * the result succeeds, and planning it against the same portal shows no changes. Where `templates`
 * (the config the portal was applied from: dump --config) has a `${{ env }}` template, at an
 * address and attribute path the live object has, that template is written instead of the value.
 * A sealed value elsewhere (it came from the environment, and only its hash is stored) becomes a
 * `${{ env "PORTALCTL_…" }}` substitution wherever it sits, in every kind. `envNames` lists the
 * variables the result reads.
 */
export function stateToConfig(state: State, namespace: string, templates?: ReadonlyMap<string, Readonly<Record<string, string>>>): { config: PortalctlConfig; envNames: string[] } {
  // A made-up name never takes one the config's templates read.
  const envNames = new EnvNames([...(templates?.values() ?? [])].flatMap((t) => Object.values(t).flatMap(templateVariables)));
  const byAddress = (a: AnyResource, b: AnyResource) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
  // Every resource is opened once, in address order, so that the variable names do not depend on the store's order.
  const opened = new Map<string, Record<string, unknown>>();
  for (const r of [...state.all()].sort(byAddress)) {
    const written = templates?.get(r.address);
    const attrs = written === undefined ? r.attrs : replaceAtPaths(r.attrs, Object.keys(written), (value, path) => (value === undefined ? value : envNames.template(written[path]!)));
    opened.set(r.address, unsealAsEnv(attrs, r.address, envNames) as Record<string, unknown>);
  }

  // The config nesting, built parents first: each object's config item, by address.
  // A singleton's section holds its one object (it is always there); the others list theirs.
  const listSections = SECTIONS.filter((section) => !KINDS.some((k) => SPECS[k].section === section && SPECS[k].lifecycle === 'singleton'));
  const config: Record<string, unknown> = { namespace, ...Object.fromEntries(listSections.map((section) => [section, []])) };
  const items = new Map<string, Record<string, unknown>>();
  for (const kind of KINDS) {
    const spec = SPECS[kind];
    for (const r of [...(state.ofKind(kind) as readonly AnyResource[])].sort(byAddress)) {
      const { [(spec.place as { parentField?: string }).parentField ?? '']: _parentKey, ...attrs } = opened.get(r.address)!;
      const item: Record<string, unknown> = { ...attrs, ...(r.protected && { protected: true }), ...Object.fromEntries(spec.children.map((c) => [c.list, []])) };
      if (spec.lifecycle === 'singleton') {
        config[spec.section] = item;
        continue;
      }
      const parent = parentOf(r);
      const holder = parent === undefined ? config[spec.section] : items.get(parent)?.[spec.list!];
      if (holder === undefined) continue; // its parent is not in this dump
      if (kind === 'credential' && joinGeneration(holder as Record<string, unknown>[], item)) continue;
      (holder as unknown[]).push(item);
      items.set(r.address, item);
    }
  }
  // A section of objects owned by nobody (developers, teams) says nothing when empty: it deletes none.
  for (const kind of KINDS) if (SPECS[kind].ownership === 'none' && SPECS[kind].lifecycle !== 'singleton' && (config[SPECS[kind].section] as unknown[]).length === 0) delete config[SPECS[kind].section];
  // Sections in the schema's order, a singleton's where it stands there (it was filled in above).
  const ordered = { namespace, ...Object.fromEntries(SECTIONS.filter((section) => config[section] !== undefined).map((section) => [section, config[section]])) };
  return { config: ordered as PortalctlConfig, envNames: envNames.all };
}

/**
 * A credential's generations (`ci`, `ci@2`, README "Key rotation") are one declared credential at
 * its newest generation: the item is renamed, or merged into the one already dumped (then true).
 */
function joinGeneration(holder: Record<string, unknown>[], item: Record<string, unknown>): boolean {
  const { name, generation } = parseGenerationName(String(item.name));
  const earlier = holder.find((c) => c.name === name);
  if (earlier === undefined) {
    item.name = name;
    if (generation > 1) item.generation = generation;
    return false;
  }
  if (generation > Number(earlier.generation ?? 1)) earlier.generation = generation;
  if (item.protected === true) earlier.protected = true;
  return true;
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
  private readonly taken: Set<string>;

  /** `reserved`: names the config's templates read, which no made-up name may take. */
  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }

  /** A template of the config, written as it is: the variables it reads are listed too. */
  template(template: string): string {
    for (const name of templateVariables(template)) if (!this.all.includes(name)) this.all.push(name);
    return template;
  }

  take(parts: readonly (string | number)[]): string {
    const base = ['PORTALCTL', ...parts].join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/_+$/, '');
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    this.all.push(name);
    return name;
  }
}
