import type { AnyResource } from '../model/resource.js';
import { manages } from '../model/scope.js';
import type { DesiredState, State } from '../model/state.js';
import type { Change, Counts, Plan } from '../types/plan.js';
import { flatten, sameValue } from './fields.js';

/** The config at a git ref a plan is compared with (plan --base). */
export interface BaseConfig {
  ref: string;
  commit: string;
  /** Its desired state; undefined when it did not load (`errors` errors): every change is then introduced. */
  desired: DesiredState | undefined;
  errors: number;
}

/**
 * Splits a plan (head config vs live) into what this change introduces and drift, against the
 * config at the base ref. Values are compared as the diff compares them (after defaults,
 * environment values resolved, seal-aware), field by field:
 * - create: drift when the base declares the object identically (it vanished from the portal),
 *   else introduced;
 * - delete: drift when the base manages the object and does not declare it either (it was made
 *   outside git), else introduced (the base declares it, or does not manage it); a delete the base
 *   declared names the base's file and line (`source.ref`);
 * - update, replace: a field whose head value differs from the base's is introduced, the others are
 *   drift (marked `drift`); introduced when any field is, or when the base does not declare the object.
 */
export function splitByOrigin(plan: Plan, head: DesiredState, base: BaseConfig, live: State): void {
  const counts = { change: emptyCounts(), drift: emptyCounts() };
  for (const change of plan.changes) {
    change.origin = base.desired === undefined ? 'change' : originOf(change, head, base.desired, live, base.ref);
    count(counts[change.origin], change);
  }
  plan.base = { ref: base.ref, commit: base.commit, errors: base.errors, ...counts };
}

function originOf(change: Change, head: DesiredState, base: DesiredState, live: State, ref: string): 'change' | 'drift' {
  const was = base.state.get(change.address);
  switch (change.action) {
    case 'create':
      return was !== undefined && sameValue(comparable(was), comparable(head.state.get(change.address)!)) ? 'drift' : 'change';
    case 'delete':
      if (was?.source) change.source = { file: was.source.file, line: was.source.line, ref };
      return was === undefined && manages(base, live.get(change.address)!) ? 'drift' : 'change';
    case 'update':
    case 'replace': {
      if (was === undefined) return 'change';
      const before = flatten(comparable(was));
      const after = flatten(comparable(head.state.get(change.address)!));
      let introduced = false;
      for (const d of change.diff ?? []) {
        if (sameValue(after.get(d.path), before.get(d.path))) d.drift = true;
        else introduced = true;
      }
      return introduced ? 'change' : 'drift';
    }
  }
}

/** What the diff compares of a desired object: its attributes with defaults, and its protection. */
function comparable(r: AnyResource): Record<string, unknown> {
  return { ...r.attrs, protected: r.protected };
}

function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0 };
}

function count(counts: Counts, change: Change): void {
  counts[change.action] += change.action === 'delete' ? 1 + (change.cascade?.length ?? 0) : 1;
}
