import type { DesiredState } from '../../../model/state.js';
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
