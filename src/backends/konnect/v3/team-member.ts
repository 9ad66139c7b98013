import type { Adapters, LiveObject } from '../../adapter.js';
import { HttpError } from '../http-errors.js';
import { deleted, repeatOn500, type V3Context } from './context.js';

/** A membership's id: its team's and its developer's (Konnect has no membership object). */
const idOf = (team: string, developer: string) => `${team}/${developer}`;
function partsOf(id: string): [string, string] {
  const at = id.indexOf('/');
  return [id.slice(0, at), id.slice(at + 1)];
}

/** What the adapter needs of a context: the team routes are the same on v3 and classic (v2), but for the prefix. */
export type TeamsContext = Pick<V3Context, 'admin' | 'counters' | 'forget' | 'teams' | 'teamPath' | 'teamDevelopers'>;

/** Team members ↔ each team's developers (list-portal-team-developers: one list per team); `team` and `developer` are ids. */
export function teamMembers(ctx: TeamsContext): Adapters['team_member'] {
  const developers = (team: string) => `${ctx.teamPath(team)}/developers`;
  return {
    list: async () => {
      const out: LiveObject<'team_member'>[] = [];
      for (const t of await ctx.teams()) {
        for (const d of await ctx.teamDevelopers(t.id)) out.push({ id: idOf(t.id, d.id), attrs: { team: t.id, developer: d.id }, labels: {}, protected: false });
      }
      return out;
    },
    create: async ({ attrs: a }) => {
      try {
        // The answer is a 201 without a body; a repeat after an unknown outcome is a 409: already a member.
        await repeatOn500(ctx, () => ctx.admin.postOnce(developers(a.team), { id: a.developer }));
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 409)) throw error;
      }
      ctx.forget(developers(a.team));
      return { id: idOf(a.team, a.developer) };
    },
    delete: async (id) => {
      const [team, developer] = partsOf(id);
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${developers(team)}/${encodeURIComponent(developer)}`)));
      ctx.forget(developers(team));
    },
  };
}
