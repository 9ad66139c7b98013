import type { Capabilities } from '../backends/backend.js';
import { unheldFields } from '../backends/capabilities.js';
import { formatPos } from '../diagnostics/problems.js';
import { ExitCode, UserError } from '../errors.js';
import { KINDS, type Kind } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource } from '../model/resource.js';
import { ofNobody } from '../model/owner.js';
import { listedFromOtherSide, manages, parentOf } from '../model/scope.js';
import type { DesiredState, State } from '../model/state.js';
import { accessNote } from './access.js';
import { valueAtPath } from '../model/attr-paths.js';
import { seal } from '../model/sealed.js';
import { Cascades } from './cascade.js';
import type { Change, FieldDiff, Plan } from '../types/plan.js';
import { fieldDiffs, fingerprint, shownAttrs } from './fields.js';

/** The plan format this portalctl writes and reads (schemas/plan.schema.json `format_version`). */
export const PLAN_FORMAT_VERSION: Plan['format_version'] = 2;

export interface DiffOptions {
  backend: Plan['backend'];
  /** Take over live objects that carry no owner label (they are updated to carry this namespace's). */
  adopt?: boolean;
  /** What the backend cannot do: its immutable fields plan a replace too. */
  capabilities?: Capabilities;
  /** Credentials whose keys an interrupted apply never saved (apply/key-journal.ts): live ones are made again. */
  reissue?: ReadonlySet<string>;
}

/** A declared object whose live twin this namespace may not touch, and the declared objects under it. */
interface LeftAlone {
  reason: string;
  under: AnyResource[];
}

/**
 * Diffs the desired state against the live one into a plan. Only managed kinds and lists (see
 * model/scope.ts) are diffed; only objects the namespace owns (children by their parent's label) are
 * updated or deleted, and nothing is created, updated or deleted under a parent it neither owns nor
 * adopts; protected objects are never deleted, nor is a parent whose delete would take with it an
 * object the plan keeps. A delete lists what it takes with it.
 */
export function diffStates(desired: DesiredState, live: State, options: DiffOptions): Plan {
  const { namespace } = desired;
  const warnings: string[] = [];
  const upserts: Change[] = [];
  /** The declared object of each upsert, at its index. */
  const declared: AnyResource[] = [];
  const upsert = (c: Change, want: AnyResource) => {
    upserts.push(c);
    declared.push(want);
  };
  let unchanged = 0;
  const adopted = new Set<string>();
  const leftAlone = new Map<string, LeftAlone>();
  /** Declared address → the left-alone ancestor that covers it. */
  const coveredBy = new Map<string, string>();

  /**
   * Who owns a live object: its label (a child's is its parent's), or this run's when its parent is
   * adopted or it belongs to nobody (developers, teams: managed by whoever declares them).
   */
  const ownerOf = (r: AnyResource): string | undefined => {
    const parent = parentOf(r);
    return (parent !== undefined && adopted.has(parent)) || ofNobody(live, r) ? namespace : r.live?.owner;
  };
  /** The live objects a portal holds twice under one key of a kind that leaves them alone (team names), or under such a parent. */
  const duplicated = (address: string): boolean => {
    if (live.duplicatesOf(address) !== undefined) return true;
    const r = live.get(address);
    const parent = r === undefined ? undefined : parentOf(r);
    return parent !== undefined && duplicated(parent);
  };

  for (const kind of KINDS) {
    // A kind declared from the other side too (a developer's teams) may be declared without its section.
    if (!desired.sections.has(SPECS[kind].section) && SPECS[kind].listedOn === undefined) continue;
    for (const want of desired.state.ofKind(kind) as readonly AnyResource[]) {
      const parent = parentOf(want);
      const cover = parent === undefined ? undefined : (coveredBy.get(parent) ?? (leftAlone.has(parent) ? parent : undefined));
      if (cover !== undefined) {
        // Under a parent this run may not touch: nothing is created, updated or deleted here.
        coveredBy.set(want.address, cover);
        leftAlone.get(cover)!.under.push(want);
        continue;
      }
      refuseUnheld(want, options);
      const twins = live.duplicatesOf(want.address);
      if (twins !== undefined) {
        const reason = `is held by ${twins.length} ${SPECS[kind].noun}s of the portal (ids ${twins.join(', ')}): which one is meant cannot be told, so neither is touched`;
        leftAlone.set(want.address, { reason, under: [] });
        continue;
      }
      const have = live.get(want.address);
      if (!have && SPECS[kind].lifecycle === 'singleton') throw new UserError(`the ${options.backend.type} backend did not read the ${SPECS[kind].noun}, which every portal has`);
      if (!have) {
        upsert(change('create', want, undefined, { access: accessNote(want, undefined, desired.state, live) }), want);
        continue;
      }
      const owner = ownerOf(have);
      let adopt = false;
      // An object nobody owns (the portal's settings) is the config's to update, whatever the namespace.
      if (SPECS[kind].ownership !== 'none' && owner !== namespace) {
        if (owner === undefined && options.adopt) {
          adopt = true;
          adopted.add(have.address);
        } else {
          const reason = owner === undefined ? 'exists without an owner label: left alone (--adopt takes it over)' : `is owned by namespace "${owner}": left alone`;
          leftAlone.set(have.address, { reason, under: [] });
          continue;
        }
      }
      const diff = fieldDiff(want, have, options.capabilities);
      const reissue = SPECS[kind].issuesSecret === true && options.reissue?.has(want.address) === true;
      if (diff.length === 0 && !adopt && !reissue) {
        unchanged++;
        continue;
      }
      if (reissue) {
        upsert(change('replace', want, have, { diff, reissue: true }), want);
        continue;
      }
      const fixed = fixedFields(kind, diff, options.capabilities);
      if (fixed.length > 0) {
        refuseReplaceInUse(want, fixed, live);
        upsert(change('replace', want, have, { diff, replaced_by: fixed }), want);
      } else {
        upsert(change('update', want, have, { diff, ...(adopt && { adopt: true }), access: accessNote(want, have, desired.state, live) }), want);
      }
    }
  }
  for (const [address, { reason, under }] of leftAlone) warnings.push(`${address} ${reason}${underNote(under)}`);

  // Deletes: managed live objects this namespace owns that the config does not declare.
  const candidates = new Set<string>();
  for (const have of live.all()) {
    // What belongs to nobody is never deleted for being undeclared; its children (a team's members)
    // are, from a parent the config declares (whose list says what it holds), and only then.
    if (SPECS[have.kind].ownership === 'none' || duplicated(have.address)) continue;
    if (ofNobody(live, have) && !desired.state.has(parentOf(have) ?? '') && !listedFromOtherSide(desired, have)) continue;
    if (!desired.state.has(have.address) && manages(desired, have) && ownerOf(have) === namespace) candidates.add(have.address);
  }
  const cascades = new Cascades(live, (r) => {
    if (r.protected) return { address: r.address, reason: 'is protected' };
    if (desired.state.has(r.address)) return { address: r.address, reason: 'is declared in the config' };
    const owner = ownerOf(r);
    if (owner === namespace) return undefined;
    return { address: r.address, reason: owner === undefined ? 'has no owner label' : `is owned by namespace "${owner}"` };
  });
  const deletes: Change[] = [];
  for (const address of candidates) {
    const have = live.get(address)!;
    const keeper = cascades.keeper(have);
    if (keeper === undefined) continue;
    candidates.delete(address);
    warnings.push(
      keeper.address === address
        ? `${address} is not in the config but ${keeper.reason}: kept`
        : `${address} is not in the config, but deleting it would also delete ${keeper.address}, which ${keeper.reason}: kept`,
    );
  }
  let deleted = 0;
  for (const address of candidates) {
    const have = live.get(address)!;
    const taken = cascades.takenWith(have, (a) => candidates.has(a));
    deleted += 1 + taken.length;
    deletes.push(change('delete', undefined, have, taken.length > 0 ? { cascade: taken.map((r) => r.address) } : {}));
  }
  // Children first, so that each delete takes only what it lists.
  deletes.sort((a, b) => KINDS.indexOf(b.kind) - KINDS.indexOf(a.kind) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  linkDependencies(upserts, declared, deletes, live);
  const changes = [...upserts, ...deletes];
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) counts[c.action]++;
  return {
    format_version: PLAN_FORMAT_VERSION,
    namespace,
    backend: options.backend,
    summary: { create: counts.create, update: counts.update, replace: counts.replace, delete: deleted, unchanged },
    changes,
    warnings,
  };
}

/** `, with the 2 objects declared under it (1 credential, 1 registration)`, or nothing. */
function underNote(under: readonly AnyResource[]): string {
  if (under.length === 0) return '';
  const perKind = KINDS.map((k) => [k, under.filter((r) => r.kind === k).length] as const).filter(([, n]) => n > 0);
  const list = perKind.map(([k, n]) => `${n} ${SPECS[k].noun}${n === 1 ? '' : 's'}`).join(', ');
  return `, and so ${under.length === 1 ? 'is the object' : `are the ${under.length} objects`} declared under it (${list})`;
}

/** The changed fields of `kind` that no backend, or not this backend, can change in place. */
function fixedFields(kind: Kind, diff: readonly FieldDiff[], capabilities: Capabilities | undefined): string[] {
  const fixed = [...new Set([...(SPECS[kind].replacedOn ?? []), ...(capabilities?.immutable?.[kind] ?? [])])];
  return fixed.filter((f) => diff.some((d) => d.path === f || d.path.startsWith(`${f}.`)));
}

/** A declared object that sets a field the backend cannot hold: refused, naming where and which. */
function refuseUnheld(want: AnyResource, options: DiffOptions): void {
  const fields = unheldFields(want, options.capabilities);
  if (fields.length === 0) return;
  const where = want.source ? `${formatPos(want.source)}: ` : '';
  const backend = `the ${options.backend.type} backend`;
  throw new UserError(`${where}${want.address}: ${fields.join(', ')} cannot be held by ${backend}; leave ${fields.length === 1 ? 'it' : 'them'} out`);
}

/**
 * A replace deletes the live object first: refused (exit 3) while other objects use it, since the
 * delete would fail or take them along, and they cannot all be recreated (credentials' keys).
 */
function refuseReplaceInUse(want: AnyResource, fixed: readonly string[], live: State): void {
  const users: string[] = [];
  for (const r of live.all()) {
    if (SPECS[r.kind].references(r.attrs as never).some((ref) => ref.address === want.address)) users.push(r.address);
  }
  if (users.length === 0) return;
  const where = want.source ? `${formatPos(want.source)}: ` : '';
  const shown = users.length > 3 ? `${users.slice(0, 3).join(', ')} and ${users.length - 3} more` : users.join(', ');
  throw new UserError(
    `${where}${want.address}: ${fixed.join(', ')} cannot change in place, and replacing it is refused while ${shown} ${users.length === 1 ? 'uses' : 'use'} it; declare a new ${SPECS[want.kind].noun} under another name and move them to it`,
    ExitCode.refused,
  );
}

/** What a change carries besides what every change has; `diff` for an update or replace only. */
type ChangeExtras = Partial<Pick<Change, 'diff' | 'reissue' | 'replaced_by' | 'adopt' | 'cascade' | 'access'>>;

/**
 * A change. `diff` only for an update or replace: every field of a create's `after` or a delete's
 * `before` changes, and the plan does not list them twice (format_version 2). Every change is made
 * here, its properties set in one order (the plan JSON's), so that changes share a few object
 * shapes and the passes over 40,000 of them (dependencies, counts, rendering) stay fast.
 */
function change(action: Change['action'], want: AnyResource | undefined, have: AnyResource | undefined, extras: ChangeExtras = {}): Change {
  const subject = (want ?? have)!;
  // The live side is redacted where the desired side is secret too, whatever the backend holds there.
  const before = have ? shownAttrs(have, want?.secretAttrs) : null;
  const after = want ? shownAttrs(want) : null;
  const fingerprint = have ? liveFingerprint(have) : null;
  const result: Change =
    extras.diff === undefined
      ? { action, kind: subject.kind, address: subject.address, before, after, fingerprint }
      : { action, kind: subject.kind, address: subject.address, before, after, diff: extras.diff, fingerprint };
  if (want?.source) result.source = { file: want.source.file, line: want.source.line };
  if (want?.envTemplates) {
    result.env = want.envTemplates;
    result.env_seals = sealsOf(want);
  }
  if (extras.reissue !== undefined) result.reissue = extras.reissue;
  if (extras.replaced_by !== undefined) result.replaced_by = extras.replaced_by;
  if (extras.adopt !== undefined) result.adopt = extras.adopt;
  if (extras.cascade !== undefined) result.cascade = extras.cascade;
  if (extras.access !== undefined) result.access = extras.access;
  return result;
}

/**
 * Sets each change's `depends_on`: the other changes that must land first, so that apply can run
 * the plan alone and skip what a failure leaves without its dependency. A create, update or replace
 * depends on the changes of the objects it refers to; a delete on the deletes of the objects that
 * refer to it.
 */
function linkDependencies(upserts: readonly Change[], declared: readonly AnyResource[], deletes: readonly Change[], live: State): void {
  const upserted = new Set<string>();
  for (const c of upserts) upserted.add(c.address);
  const deleted = new Map<string, Change>();
  for (const c of deletes) deleted.set(c.address, c);
  const add = (change: Change, address: string) => (change.depends_on ??= []).push(address);
  upserts.forEach((change, i) => {
    const r = declared[i]!;
    for (const ref of SPECS[r.kind].references(r.attrs as never)) if (upserted.has(ref.address)) add(change, ref.address);
  });
  for (const change of deletes) {
    // This one goes after its own targets: a referrer is deleted before what it refers to.
    const r = live.get(change.address)!;
    for (const ref of SPECS[r.kind].references(r.attrs as never)) {
      const target = deleted.get(ref.address);
      if (target) add(target, change.address);
    }
  }
}

/** A seal of each environment value of a desired resource, by path: apply checks the value still seals to it. */
function sealsOf(want: AnyResource): Record<string, string> {
  const seals: Record<string, string> = {};
  for (const path of Object.keys(want.envTemplates ?? {})) {
    const value = valueAtPath(want.attrs, path);
    if (typeof value === 'string') seals[path] = seal(value).$sensitive;
  }
  return seals;
}

/** The fingerprint of a live object: a saved plan is stale when the object no longer has it. */
export function liveFingerprint(r: AnyResource): string {
  return fingerprint({ attrs: r.attrs, owner: r.live?.owner ?? null, protected: r.protected });
}

/** Field-level differences of a desired resource from its live twin, secrets redacted. */
function fieldDiff(want: AnyResource, have: AnyResource, capabilities: Capabilities | undefined): FieldDiff[] {
  return fieldDiffs(want, have, [...(SPECS[want.kind].unmanagedWhenAbsent ?? []), ...(capabilities?.chosenWhenAbsent?.[want.kind] ?? [])]);
}
