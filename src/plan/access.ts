import type { AnyResource, Resource } from '../model/resource.js';
import { splitAddress } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { State } from '../model/state.js';

type Status = NonNullable<Resource<'registration'>['attrs']['status']>;

/** A developer's statuses that let them in: any other stops their applications' registrations. */
const LETS_IN: ReadonlySet<string | undefined> = new Set(['approved', 'pending', undefined]);

/**
 * What a registration change does to access, for a reviewer: the status a new registration will
 * get (stated, or from its version's auto-approve), or who gains or loses access when a status
 * changes. Undefined for any other change.
 */
export function accessNote(want: AnyResource, have: AnyResource | undefined, desired: State, live: State): string | undefined {
  if (want.kind === 'developer') return developerNote(want, have as Resource<'developer'> | undefined, desired, live);
  if (want.kind !== 'registration') return undefined;
  const reg = want as Resource<'registration'>;
  const versionAddress = SPECS.registration.references(reg.attrs).find((r) => r.address.startsWith('product_version.'))!.address;
  if (have === undefined) {
    if (reg.attrs.status !== undefined) return `${reg.attrs.status} as stated`;
    const version = (desired.get(versionAddress) ?? live.get(versionAddress)) as Resource<'product_version'> | undefined;
    return version?.attrs.registration?.auto_approve ? 'approved at once by auto-approve' : 'pending approval';
  }
  const before = (have as Resource<'registration'>).attrs.status;
  const after = reg.attrs.status;
  if (after === undefined || before === after) return undefined;
  const granted = (s: Status | undefined) => s === 'approved';
  const [, version] = splitAddress(versionAddress);
  if (granted(after) && !granted(before)) return `${reg.attrs.application} gains access to ${version}`;
  if (granted(before) && !granted(after)) return `${reg.attrs.application} loses access to ${version}`;
  return undefined;
}

/**
 * What revoking (or rejecting) a developer does: the registrations of the applications they own stop
 * working, named; approving one again lets them work again.
 */
function developerNote(want: Resource<'developer'>, have: Resource<'developer'> | undefined, desired: State, live: State): string | undefined {
  const before = have?.attrs.status;
  const after = want.attrs.status;
  if (have === undefined || after === undefined || before === after) return undefined;
  const stops = LETS_IN.has(before) && !LETS_IN.has(after);
  const resumes = !LETS_IN.has(before) && LETS_IN.has(after);
  if (!stops && !resumes) return undefined;
  const owned = applicationsOwnedBy(want.key, desired, live);
  if (owned.length === 0) return `${after}: owns no applications, so no registration ${stops ? 'stops' : 'resumes'}`;
  return `${after}: the registrations of ${owned.join(', ')} ${stops ? 'stop working' : 'work again'}`;
}

/** The reference IDs of the applications a developer owns, as this run leaves them (declared, else live). */
function applicationsOwnedBy(email: string, desired: State, live: State): string[] {
  const owned = new Set<string>();
  const ownedBy = (a: Resource<'application'>) => a.attrs.owner?.type === 'developer' && a.attrs.owner.name.toLowerCase() === email.toLowerCase();
  for (const a of desired.ofKind('application')) if (ownedBy(a)) owned.add(a.key);
  for (const a of live.ofKind('application')) if (!desired.has(a.address) && ownedBy(a)) owned.add(a.key);
  return [...owned].sort();
}
