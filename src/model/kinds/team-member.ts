import type { KindDefinition } from '../kind.js';

export const teamMember = {
  kind: 'team_member',
  noun: 'team member',
  place: { parent: 'team', list: 'members', parentField: 'team' },
  // A membership has no content: a developer is in the team or not.
  lifecycle: 'create-delete',
  ownership: 'parent',
  keyFields: ['team', 'developer'],
  refs: [{ kind: 'developer', fields: ['developer'], cascade: true }],
  // A developer's `teams` declares the same memberships from the other side.
  listedOn: { kind: 'developer', list: 'teams', field: 'developer', itemField: 'team' },
  definition: 'TeamMember',
} satisfies KindDefinition<'team_member'>;
