import { splitAddress, splitKey, type Kind, type Reference, type Section } from '../model/kind.js';
import { SPECS, specOf } from '../model/kinds/index.js';
import { deletedWhenUndeclared } from '../model/scope.js';
import { MAX_CREDENTIALS_PER_APPLICATION } from '../model/kinds/credential.js';
import type { AnyResource, Resource } from '../model/resource.js';
import type { State } from '../model/state.js';
import type { DesiredState } from '../model/state.js';
import { error, formatPos, warning, type Problem } from '../diagnostics/problems.js';
import { bare, bareAttr, quote, quoteAttr } from '../diagnostics/quote.js';
import { didYouMean } from './suggest.js';

/**
 * Checks what the schema cannot: references to unknown objects, registrations the versions'
 * settings make impossible, and credentials an application's strategy cannot hold. Each problem
 * names every place involved.
 *
 * A reference into a section the files do not declare cannot be checked offline: it is looked up in
 * `outside` (the live state, when planning) or, without one, reported as a warning. A reference into
 * an `unchecked` section (one that a config document which failed to load declares) is skipped.
 */
export function checkSemantics(desired: DesiredState, outside?: State, unchecked: ReadonlySet<Section> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const { state } = desired;

  const managed = (kind: Kind) => desired.sections.has(specOf(kind).section);
  // A live object the run does not declare resolves a reference unless the run deletes it.
  const lookup = (target: string): AnyResource | undefined => {
    const live = state.get(target) ? undefined : outside?.get(target);
    return state.get(target) ?? (live && !deletedWhenUndeclared(desired, live) ? live : undefined);
  };

  for (const resource of state.all()) {
    for (const ref of specOf(resource.kind).references(resource.attrs as never)) {
      if (lookup(ref.address)) continue;
      const [targetKind] = splitAddress(ref.address);
      // The target may be declared by a document that failed to load: no false "unknown".
      if (unchecked.has(specOf(targetKind).section)) continue;
      if (!managed(targetKind) && !outside) {
        problems.push(
          warning(
            `${describeRef(ref)} is not checked: no file given declares ${specOf(targetKind).section}`,
            resource.source,
          ),
        );
      } else {
        problems.push(error(unknownRef(desired, outside, ref, targetKind), resource.source));
      }
    }
  }

  for (const reg of state.ofKind('registration')) {
    const version = versionOf(reg, lookup);
    if (!version) continue;
    const settings = version.attrs.registration;
    const where = version.source ? ` (${formatPos(version.source)})` : '';
    if (!settings?.enabled) {
      problems.push(error(`cannot register to ${bare(version.key)}: registration is disabled on that version${where}`, reg.source));
    } else if (reg.attrs.status === 'pending' && settings.auto_approve) {
      problems.push(
        error(
          `status ${quoteAttr(reg, 'status')} is impossible: ${bare(version.key)} auto-approves registrations${where}; remove the status or turn auto_approve off`,
          reg.source,
        ),
      );
    }
  }

  problems.push(...checkOwners(desired, lookup, outside));
  problems.push(...checkPortalAuthentication(state, outside));
  problems.push(...checkApplicationStrategies(state, lookup));
  problems.push(...checkCredentialLimit(state));
  return problems;
}

/**
 * Application registration needs developers who sign in (the seed's prerequisite): a version that
 * enables it is refused, at the line that enables it, on a portal whose authentication is off, as the
 * config states it or, where the config leaves it out, as the live portal has it (plan).
 */
function checkPortalAuthentication(state: State, outside: State | undefined): Problem[] {
  const key = SPECS.portal_settings.key({});
  const declared = state.getOf('portal_settings', key);
  const stated = declared?.attrs.authentication_enabled;
  if ((stated ?? outside?.getOf('portal_settings', key)?.attrs.authentication_enabled) !== false) return [];
  const off =
    stated === false
      ? `portal_settings.authentication_enabled is false at ${formatPos(declared!.fieldSources?.authentication_enabled ?? declared!.source!)}; set it to true`
      : 'the portal has authentication off; set portal_settings.authentication_enabled: true';
  return state
    .ofKind('product_version')
    .filter((v) => v.attrs.registration?.enabled === true)
    .map((v) => error(`registration enabled on ${bare(v.key)} needs the portal's authentication on (${off})`, v.fieldSources?.['registration.enabled'] ?? v.source));
}

/** The application's strategy agrees with the versions it registers to, and can hold its credentials. */
function checkApplicationStrategies(state: State, lookup: (address: string) => AnyResource | undefined): Problem[] {
  const problems: Problem[] = [];
  const registrationsOf = groupByApplication(state.ofKind('registration'));
  const credentialsOf = groupByApplication(state.ofKind('credential'));

  for (const app of state.ofKind('application')) {
    // The strategy each registered version requires, with the registration that brings it in.
    const required = new Map<string, Resource<'registration'>>();
    for (const reg of registrationsOf.get(app.key) ?? []) {
      const version = versionOf(reg, lookup);
      const strategy = version?.attrs.registration?.enabled ? version.attrs.registration.auth_strategy : undefined;
      if (strategy !== undefined && !required.has(strategy)) required.set(strategy, reg);
    }

    let strategy = app.attrs.auth_strategy;
    if (strategy !== undefined) {
      for (const [other, reg] of required) {
        if (other !== strategy) {
          problems.push(
            error(
              `application ${quote(app.key)} uses auth strategy ${quoteAttr(app, 'auth_strategy')} (${formatPos(app.source!)}), but ${bare(versionKey(reg))} requires ${quote(other)}`,
              reg.source,
            ),
          );
        }
      }
    } else if (required.size > 1) {
      const list = [...required].map(([s, reg]) => `${quote(s)} (${bare(versionKey(reg))}, ${formatPos(reg.source!)})`);
      problems.push(error(`application ${quote(app.key)} registers to versions with different auth strategies: ${list.join(', ')}`, app.source));
    } else {
      strategy = required.keys().next().value;
    }

    const strategyResource = strategy === undefined ? undefined : (lookup(`auth_strategy.${strategy}`) as Resource<'auth_strategy'> | undefined);
    if (strategyResource && strategyResource.attrs.type !== 'key_auth') {
      for (const cred of credentialsOf.get(app.key) ?? []) {
        problems.push(
          error(
            `credential ${quoteAttr(cred, 'name')}: application ${quote(app.key)} uses ${bareAttr(strategyResource, 'type')} strategy ${quote(strategy)}, which issues no key-auth credentials`,
            cred.source,
          ),
        );
      }
    }
  }
  return problems;
}

/**
 * An application's owner is a developer or team the run declares or the portal has, and a team that
 * may own applications. An owner whose section the files leave out, and that the portal (when known)
 * does not have, is not checked: owners were names before developers and teams were config.
 */
function checkOwners(desired: DesiredState, lookup: (address: string) => AnyResource | undefined, outside: State | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const app of desired.state.ofKind('application')) {
    const owner = app.attrs.owner;
    if (owner === undefined) continue;
    const found = lookup(`${owner.type}.${owner.name}`);
    if (found === undefined) {
      if (!desired.sections.has(specOf(owner.type).section)) continue;
      const known = [...desired.state.ofKind(owner.type).map((r) => r.key), ...(outside ? outside.ofKind(owner.type).map((r) => r.key) : [])];
      problems.push(error(`application ${quote(app.key)}: owner: unknown ${owner.type} ${quote(owner.name)}${didYouMean(owner.name, known)}`, app.source));
    } else if (found.kind === 'team' && (found as Resource<'team'>).attrs.can_own_applications !== true) {
      const where = found.source ? ` (${formatPos(found.source)})` : ' (in the portal)';
      problems.push(error(`application ${quote(app.key)}: owner: team ${quote(owner.name)} cannot own applications${where}; set its can_own_applications: true`, app.source));
    }
  }
  return problems;
}

/** An application declares at most MAX_CREDENTIALS_PER_APPLICATION credentials; the one past it is the error. */
function checkCredentialLimit(state: State): Problem[] {
  const problems: Problem[] = [];
  for (const [application, credentials] of groupByApplication(state.ofKind('credential'))) {
    if (credentials.length <= MAX_CREDENTIALS_PER_APPLICATION) continue;
    const over = credentials[MAX_CREDENTIALS_PER_APPLICATION]!;
    problems.push(error(`application ${quote(application)} declares ${credentials.length} credentials; a portal allows at most ${MAX_CREDENTIALS_PER_APPLICATION} per application`, over.source));
  }
  return problems;
}

/** The address of the version a registration is to: its reference to a product version. */
function versionAddress(reg: Resource<'registration'>): string {
  return SPECS.registration.references(reg.attrs).find((ref) => ref.address.startsWith('product_version.'))!.address;
}

function versionKey(reg: Resource<'registration'>): string {
  return splitAddress(versionAddress(reg))[1];
}

function versionOf(reg: Resource<'registration'>, lookup: (address: string) => AnyResource | undefined): Resource<'product_version'> | undefined {
  return lookup(versionAddress(reg)) as Resource<'product_version'> | undefined;
}

function groupByApplication<K extends 'registration' | 'credential'>(resources: readonly Resource<K>[]): Map<string, Resource<K>[]> {
  const groups = new Map<string, Resource<K>[]>();
  for (const r of resources) {
    const list = groups.get(r.attrs.application);
    if (list) list.push(r);
    else groups.set(r.attrs.application, [r]);
  }
  return groups;
}

function describeRef(ref: Reference): string {
  const [kind, key] = splitAddress(ref.address);
  return `${specOf(kind).noun} ${quote(key)}`;
}

function unknownRef(desired: DesiredState, outside: State | undefined, ref: Reference, kind: Kind): string {
  const [, key] = splitAddress(ref.address);
  if (outside?.has(ref.address)) {
    return `${describeRef(ref)} is not declared here, and this run deletes it (namespace "${desired.namespace}" owns it): declare it, or refer to another`;
  }
  const known = (k: Kind) => [
    ...desired.state.ofKind(k).map((r) => r.key),
    ...(outside ? outside.ofKind(k).map((r) => r.key) : []),
  ];
  if (kind === 'product_version') {
    const [product, version] = splitKey(key) as [string, string];
    const productKnown = desired.state.has(`product.${product}`) || outside?.has(`product.${product}`);
    if (!productKnown) return `unknown product ${quote(product)}${didYouMean(product, known('product'))}`;
    const versions = known('product_version')
      .filter((k) => k.startsWith(`${product}/`))
      .map((k) => k.slice(product.length + 1));
    return `unknown version ${quote(version)} of product ${quote(product)}${didYouMean(version, versions)}`;
  }
  return `unknown ${SPECS[kind].noun} ${quote(key)}${didYouMean(key, known(kind))}`;
}
