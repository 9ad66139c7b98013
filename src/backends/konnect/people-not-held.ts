import { SPECS } from '../../model/kinds/index.js';
import type { DesiredState } from '../../model/state.js';
import { error, type Problem } from '../../diagnostics/problems.js';
import { BackendError } from '../backend.js';
import type { AdapterFor } from '../adapter.js';

/** The kinds of people (developers, teams and what lives in a team) this backend does not manage yet. */
const PEOPLE = ['developer', 'team', 'team_member', 'team_role'] as const;

/**
 * Adapters for people on a backend that does not manage them: nothing is listed (a run that
 * declares them is refused first, by peopleProblems), and a write is refused.
 */
export function peopleNotHeld(backend: string): {
  developer: AdapterFor<'developer', 'crud'>;
  team: AdapterFor<'team', 'crud'>;
  team_member: AdapterFor<'team_member', 'create-delete'>;
  team_role: AdapterFor<'team_role', 'create-delete'>;
} {
  const refuse = (kind: (typeof PEOPLE)[number]) => async (): Promise<never> => {
    throw new BackendError(`the ${backend} backend does not manage ${SPECS[kind].noun}s`, 400);
  };
  const none = async () => [];
  return {
    developer: { list: none, create: refuse('developer'), update: refuse('developer'), delete: refuse('developer') },
    team: { list: none, create: refuse('team'), update: refuse('team'), delete: refuse('team') },
    team_member: { list: none, create: refuse('team_member'), delete: refuse('team_member') },
    team_role: { list: none, create: refuse('team_role'), delete: refuse('team_role') },
  };
}

/** A config that declares developers or teams, on a backend that does not manage them: one error per object, at its line, naming the section and backend. */
export function peopleProblems(desired: DesiredState, backend: string, why: string): Problem[] {
  const problems: Problem[] = [];
  for (const kind of ['developer', 'team'] as const) {
    for (const r of desired.state.ofKind(kind)) {
      problems.push(error(`${r.address}: ${SPECS[kind].section} cannot be held by the ${backend} backend (${why}); leave the section out`, r.source));
    }
  }
  return problems;
}
