import type { DesiredState, State } from '../../../model/state.js';
import { childListKey } from '../../../model/scope.js';
import { address } from '../../../model/kind.js';
import { error, type Problem } from '../../../diagnostics/problems.js';
import { quote } from '../../../diagnostics/quote.js';
import { MAX_USER_LABELS, overLabelLimit } from '../label-rules.js';

/**
 * What the classic portal cannot hold of a config beyond single fields (MAPPING 5): an application
 * owned by anyone but the session developer (M12: the Portal API makes the session developer the
 * owner; teams cannot own classic applications), two applications of one name (M17: names are
 * unique per developer, and every application of a namespace is the session developer's), and more
 * labels than Konnect keeps (M15). `sessionEmail`: the session developer, when there is a session.
 */
export function classicConfigProblems(desired: DesiredState, sessionEmail: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, string>();
  for (const app of desired.state.ofKind('application')) {
    const owner = app.attrs.owner;
    if (owner?.type === 'team') {
      problems.push(error(`application ${quote(app.key)}: owner: a team cannot own an application on the konnect-classic backend (the developer session that creates it owns it); leave owner out`, app.source));
    } else if (owner !== undefined && sessionEmail !== undefined && owner.name.toLowerCase() !== sessionEmail.toLowerCase()) {
      problems.push(
        error(
          `application ${quote(app.key)}: owner: on the konnect-classic backend the developer session (${quote(sessionEmail)}) owns the applications it creates, not ${quote(owner.name)}; leave owner out or name the session developer`,
          app.source,
        ),
      );
    }
    const first = byName.get(app.attrs.name);
    if (first !== undefined) {
      problems.push(
        error(`application ${quote(app.key)}: name: ${quote(app.attrs.name)} is also application ${quote(first)}'s, and the konnect-classic backend keeps application names unique (one developer owns them all)`, app.source),
      );
    } else byName.set(app.attrs.name, app.key);
  }
  for (const { resource: r, count } of overLabelLimit(desired)) {
    problems.push(error(`${r.address}: labels: ${count} labels, but the konnect-classic backend allows at most ${MAX_USER_LABELS} (Konnect keeps 50 per object, and portalctl's own labels count too)`, r.source));
  }
  return problems;
}

/**
 * What the classic portal cannot do with people (MAPPING 4; portal-management v2): create a developer
 * (its admin API invites no one: they sign up on the portal), change a developer's full name
 * (update-developer takes only a status), or give a team a role on one version (its roles are on a
 * whole API product, "Services": a team's role on a product must be the same on each of its
 * versions). `live`: the portal as read.
 */
export function classicPeopleProblems(desired: DesiredState, live: State): Problem[] {
  const problems: Problem[] = [];
  for (const d of desired.state.ofKind('developer')) {
    const have = live.getOf('developer', d.key);
    if (have === undefined) {
      problems.push(
        error(
          `developer ${quote(d.key)}: the konnect-classic backend cannot create a developer (its admin API invites no one; they sign up on the portal); declare only developers the portal has, to set their status`,
          d.source,
        ),
      );
    } else if (have.attrs.full_name !== d.attrs.full_name) {
      problems.push(
        error(
          `developer ${quote(d.key)}: full_name cannot change on the konnect-classic backend (update-developer takes only a status); it is ${quote(have.attrs.full_name)} in the portal`,
          d.fieldSources?.full_name ?? d.source,
        ),
      );
    }
  }
  problems.push(...productWideRoles(desired, live));
  return problems;
}

/** A team's roles on a product that are not one role on every version of it: one error per team and product, at the first role's line. */
function productWideRoles(desired: DesiredState, live: State): Problem[] {
  const problems: Problem[] = [];
  const said = new Set<string>();
  const roles = desired.state.ofKind('team_role');
  for (const r of roles) {
    const { team, product, role } = r.attrs;
    if (said.has(`${team}/${product}`)) continue;
    const versions = versionsOf(desired, live, product);
    const ofProduct = roles.filter((x) => x.attrs.team === team && x.attrs.product === product);
    const missing = versions.filter((v) => !ofProduct.some((x) => x.attrs.version === v));
    const other = ofProduct.find((x) => x.attrs.role !== role);
    if (missing.length === 0 && other === undefined) continue;
    said.add(`${team}/${product}`);
    const why = other !== undefined ? `${quote(`${product}/${other.attrs.version}`)} has ${quote(other.attrs.role)}` : `${missing.map((v) => quote(`${product}/${v}`)).join(', ')} ${missing.length === 1 ? 'has' : 'have'} none`;
    problems.push(
      error(
        `team role ${quote(r.key)}: the konnect-classic backend holds a team's role on a whole API product (its roles are on Services, not versions), so team ${quote(team)} must have the same role on each version of ${quote(product)}, but ${why}`,
        r.source,
      ),
    );
  }
  return problems;
}

/** A product's versions after the run: the config's, plus the portal's when the config does not list the product's versions. */
function versionsOf(desired: DesiredState, live: State, product: string): string[] {
  const names = new Set(desired.state.ofKind('product_version').filter((v) => v.attrs.product === product).map((v) => v.attrs.name));
  if (!desired.lists.has(childListKey(address('product', product), 'product_version'))) {
    for (const v of live.ofKind('product_version')) if (v.attrs.product === product) names.add(v.attrs.name);
  }
  return [...names].sort();
}
