import type { AnyResource, Resource } from '../model/resource.js';
import { splitAddress } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { State } from '../model/state.js';

type Status = NonNullable<Resource<'registration'>['attrs']['status']>;

/**
 * What a registration change does to access, for a reviewer: the status a new registration will
 * get (stated, or from its version's auto-approve), or who gains or loses access when a status
 * changes. Undefined for any other change.
 */
export function accessNote(want: AnyResource, have: AnyResource | undefined, desired: State, live: State): string | undefined {
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
