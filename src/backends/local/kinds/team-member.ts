import { BackendError } from '../../backend.js';
import type { Adapters } from '../../adapter.js';
import type { LocalEngine } from '../engine.js';

/** A membership's id: its team's and its developer's (the store keeps members as a list on the team). */
const idOf = (team: string, developer: string) => `${team}:${developer}`;
function partsOf(id: string): [string, string] {
  const [team, developer] = id.split(':');
  if (team === undefined || developer === undefined) throw new BackendError(`team member ${id} does not exist`, 404);
  return [team, developer];
}

/** Team members; `team` and `developer` are ids. A member whose developer was deleted is no longer one. */
export function teamMembers(engine: LocalEngine): Adapters['team_member'] {
  return {
    list: async () =>
      engine.list('teams').flatMap(([teamId, t]) =>
        (t.members ?? [])
          .filter((developer) => engine.has('developers', developer))
          .map((developer) => ({ id: idOf(teamId, developer), attrs: { team: teamId, developer }, labels: {}, protected: false })),
      ),
    create: async ({ attrs: a }) => {
      engine.get('developers', a.developer);
      const members = engine.get('teams', a.team).members ?? [];
      if (members.includes(a.developer)) throw new BackendError('Developer is already a member of the team', 409);
      engine.update('teams', a.team, { members: [...members, a.developer] });
      return { id: idOf(a.team, a.developer) };
    },
    delete: async (id) => {
      const [team, developer] = partsOf(id);
      const members = engine.get('teams', team).members ?? [];
      if (!members.includes(developer)) throw new BackendError(`team member ${id} does not exist`, 404);
      engine.update('teams', team, { members: members.filter((m) => m !== developer) });
    },
  };
}
