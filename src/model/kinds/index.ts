import { completeKind, KINDS, type Kind, type KindDefinition, type KindSpec, type Section } from '../kind.js';
import { application } from './application.js';
import { authStrategy } from './auth-strategy.js';
import { credential } from './credential.js';
import { portalSettings } from './portal-settings.js';
import { product } from './product.js';
import { productVersion } from './product-version.js';
import { registration } from './registration.js';
import { developer } from './developer.js';
import { team } from './team.js';
import { teamMember } from './team-member.js';
import { teamRole } from './team-role.js';

/** Every kind module, by kind: a new kind is a new module here (the compiler asks for it). */
const DEFINITIONS = {
  auth_strategy: authStrategy,
  portal_settings: portalSettings,
  product,
  product_version: productVersion,
  developer,
  team,
  team_member: teamMember,
  team_role: teamRole,
  application,
  registration,
  credential,
} satisfies { [K in Kind]: KindDefinition<K> };

/** Each kind's lifecycle, as its module states it (a literal type: adapters are typed by it). */
export type LifecycleOf = { [K in Kind]: (typeof DEFINITIONS)[K]['lifecycle'] };

/** Every kind's spec, by kind, completed in KINDS order (a parent before its children). */
export const SPECS = {} as { [K in Kind]: KindSpec<K> };
for (const kind of KINDS) {
  const children = KINDS.flatMap((k) => {
    const place = DEFINITIONS[k].place;
    return 'parent' in place && place.parent === kind ? [{ kind: k, list: place.list }] : [];
  });
  const sectionOf = (k: Kind): Section => SPECS[k].section;
  (SPECS as Record<Kind, KindSpec<Kind>>)[kind] = completeKind(DEFINITIONS[kind] as unknown as KindDefinition<Kind>, { sectionOf, children });
}

export function specOf<K extends Kind>(kind: K): KindSpec<K> {
  return SPECS[kind];
}

/** The kinds declared at the top level of each config section. */
export const TOP_LEVEL: readonly Kind[] = KINDS.filter((k) => SPECS[k].parent === undefined);
