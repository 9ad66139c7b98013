import { KINDS, type Kind } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import type { DesiredState, State } from '../model/state.js';
import type { Change, FieldDiff, Plan } from '../types/plan.js';
import { fieldDiffs, fingerprint, shownAttrs, wholeFieldDiffs } from './fields.js';

export interface DiffOptions {
  backend: Plan['backend'];
  /** Take over live objects that carry no owner label (they are updated to carry this namespace's). */
  adopt?: boolean;
}

/**
 * Fields the config may leave out to mean "not managed": a registration's status is decided by the
 * version's auto-approve on creation and may then be changed by an admin without a fight.
 */
const UNMANAGED_WHEN_ABSENT: Partial<Record<Kind, readonly string[]>> = { registration: ['status'] };

/**
 * Diffs the desired state against the live one into a plan. Only kinds whose section is present are
 * managed; only objects owned by the namespace are updated or deleted; unowned objects with a
 * desired key are reported and left alone unless adopted; protected objects are never deleted.
 */
export function diffStates(desired: DesiredState, live: State, options: DiffOptions): Plan {
  const { namespace } = desired;
  const managed = new Set(KINDS.filter((k) => desired.sections.has(SPECS[k].section)));
  const warnings: string[] = [];
  const upserts: Change[] = [];
  const deletes: Change[] = [];
  let unchanged = 0;
  const adopted = new Set<string>();
  const leftAlone = new Set<string>();

  /** The parent's address of a child resource (its containment parent), else undefined. */
  const parentOf = (r: AnyResource): string | undefined => {
    const parentKind = SPECS[r.kind].parent;
    return parentKind && SPECS[r.kind].references(r.attrs as never).find((ref) => ref.address.startsWith(parentKind + '.'))?.address;
  };
  /** Who owns a live object: its own label, or for children the parent's (or this run's, when the parent is adopted). */
  const ownerOf = (r: AnyResource): string | undefined => {
    const parent = parentOf(r);
    return parent !== undefined && adopted.has(parent) ? namespace : r.live?.owner;
  };

  for (const kind of KINDS) {
    if (!managed.has(kind)) continue;
    for (const want of desired.state.ofKind(kind) as readonly AnyResource[]) {
      const have = live.get(want.address);
      if (!have) {
        upserts.push(change('create', want, undefined));
        continue;
      }
      const owner = ownerOf(have);
      let adopt = false;
      if (owner !== namespace) {
        const parent = parentOf(have);
        if (parent !== undefined && leftAlone.has(parent)) {
          leftAlone.add(have.address); // its parent's warning covers it
          continue;
        }
        if (owner === undefined && options.adopt) {
          adopt = true;
          adopted.add(have.address);
        } else {
          leftAlone.add(have.address);
          warnings.push(
            owner === undefined
              ? `${have.address} exists without an owner label: left alone (--adopt takes it over)`
              : `${have.address} is owned by namespace "${owner}": left alone`,
          );
          continue;
        }
      }
      const diff = fieldDiff(want, have);
      if (diff.length === 0 && !adopt) unchanged++;
      else upserts.push({ ...change('update', want, have), diff, ...(adopt && { adopt: true }) });
    }
  }

  // Deletes run children first. A parent whose protected child would be cascaded away stays too.
  const kept = new Set<string>();
  for (const kind of [...KINDS].reverse()) {
    if (!managed.has(kind)) continue;
    for (const have of live.ofKind(kind) as readonly AnyResource[]) {
      if (desired.state.has(have.address) || ownerOf(have) !== namespace) continue;
      if (have.protected || kept.has(have.address)) {
        warnings.push(`${have.address} is not in the config but is ${have.protected ? 'protected' : 'the parent of a protected object'}: kept`);
        const parent = parentOf(have);
        if (parent !== undefined) kept.add(parent);
        continue;
      }
      deletes.push(change('delete', undefined, have));
    }
  }
  deletes.sort((a, b) => KINDS.indexOf(b.kind) - KINDS.indexOf(a.kind) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  const changes = [...upserts, ...deletes];
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return {
    format_version: 1,
    namespace,
    backend: options.backend,
    summary: { create: count('create'), update: count('update'), delete: count('delete'), unchanged },
    changes,
    warnings,
  };
}

function change(action: Change['action'], want: AnyResource | undefined, have: AnyResource | undefined): Change {
  const subject = (want ?? have)!;
  const before = have ? displayed(have) : null;
  const after = want ? displayed(want) : null;
  const result: Change = {
    action,
    kind: subject.kind,
    address: subject.address,
    before,
    after,
    diff: action === 'update' ? [] : wholeDiff(before, after),
    fingerprint: have ? liveFingerprint(have) : null,
  };
  if (want?.source) result.source = { file: want.source.file, line: want.source.line };
  return result;
}

/** What a plan shows of a resource: its attributes with secrets redacted, and its protection. */
function displayed(r: AnyResource): Record<string, unknown> {
  return shownAttrs(r);
}

/** The fingerprint of a live object: a saved plan is stale when the object no longer has it. */
export function liveFingerprint(r: AnyResource): string {
  return fingerprint({ attrs: r.attrs, owner: r.live?.owner ?? null, protected: r.protected });
}

function wholeDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldDiff[] {
  return wholeFieldDiffs(before, after);
}

/** Field-level differences of a desired resource from its live twin, secrets redacted. */
function fieldDiff(want: AnyResource, have: AnyResource): FieldDiff[] {
  return fieldDiffs(want, have, UNMANAGED_WHEN_ABSENT[want.kind]);
}
