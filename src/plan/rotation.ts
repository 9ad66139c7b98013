import { formatPos } from '../diagnostics/problems.js';
import { UserError } from '../errors.js';
import { address, KINDS } from '../model/kind.js';
import { DEFAULT_OVERLAP, durationMs, EXPIRY_WARNING_MS, generationName, parseGenerationName } from '../model/kinds/credential-generation.js';
import { MAX_CREDENTIALS_PER_APPLICATION } from '../model/kinds/credential.js';
import { SPECS } from '../model/kinds/index.js';
import type { AnyResource, Resource } from '../model/resource.js';
import { State, type DesiredState } from '../model/state.js';

/** A live generation of a declared credential. */
interface Generation {
  generation: number;
  resource: Resource<'credential'>;
  /** When its key was made (ms), when the portal says. */
  created?: number;
}

export interface Rotations {
  /** The desired state with each declared credential as the generations that should be live now. */
  desired: DesiredState;
  /** A note per address (the generation a create makes, why a delete retires one), for the plan's changes. */
  notes: Map<string, string>;
  warnings: string[];
}

/**
 * Key rotation as code: each declared credential becomes the generations of it that should be live at
 * `now` (README "Key rotation"). Its live generations are the application's credentials named `<name>`
 * (generation 1) and `<name>@<n>`; the newest is due when `rotate_every` has passed since it was made,
 * or when the config's `generation` is above it: the next generation is then declared (the diff plans
 * its create) and the previous one kept. A generation older than the newest is kept until `overlap`
 * after the next one was made, then left out (the diff plans its delete). A rotation that would give an
 * application more credentials than a portal allows is refused here, naming the credential's line.
 * Also warns of kept keys that expire within a week or are not active.
 */
export function planRotations(desired: DesiredState, live: State, now: Date): Rotations {
  const at = now.getTime();
  const notes = new Map<string, string>();
  const warnings: string[] = [];
  const generations = liveGenerations(live);
  const state = new State();
  const rotatedApps = new Map<string, Resource<'credential'>>();
  for (const kind of KINDS) {
    for (const want of desired.state.ofKind(kind) as readonly AnyResource[]) {
      if (want.kind !== 'credential') {
        state.add(want);
        continue;
      }
      const { rotate_every: every, overlap = DEFAULT_OVERLAP, generation: declared } = want.attrs;
      const lives = generations.get(want.address) ?? [];
      const newest = lives[lives.length - 1];
      const keep: number[] = [];
      if (newest === undefined) {
        keep.push(declared ?? 1);
      } else {
        let next: number | undefined;
        let why = '';
        if (declared !== undefined && declared > newest.generation) {
          next = declared;
          why = `generation raised to ${declared}`;
        } else if (declared !== undefined && declared < newest.generation && every === undefined) {
          // Generations only go up: a lowered counter (a revert, say) rotates nothing, and says so.
          warnings.push(`${want.address}: generation ${declared} is below the live generation ${newest.generation}, so nothing rotates; raise it above ${newest.generation} to rotate`);
        } else if (every !== undefined && newest.created === undefined) {
          warnings.push(`${want.address}: the portal does not say when its key was made, so rotate_every cannot apply; raise generation to rotate it`);
        } else if (every !== undefined && newest.created! + durationMs(every) <= at) {
          next = newest.generation + 1;
          why = `due since ${day(newest.created! + durationMs(every))}: made ${day(newest.created!)}, rotate_every ${every}`;
        }
        // The generations before the newest: each goes `overlap` after the one that followed it was made.
        for (let i = 0; i < lives.length - 1; i++) {
          const followed = lives[i + 1]!.created;
          const retires = followed === undefined ? undefined : followed + durationMs(overlap);
          if (retires === undefined || retires > at) keep.push(lives[i]!.generation);
          else notes.set(lives[i]!.resource.address, `generation ${lives[i]!.generation} of ${want.address}, retired: its overlap (${overlap}) ended ${day(retires)}`);
        }
        keep.push(newest.generation);
        if (next !== undefined) {
          keep.push(next);
          const made = address('credential', SPECS.credential.key({ ...want.attrs, name: generationName(want.attrs.name, next) }));
          notes.set(
            made,
            `generation ${next} of ${want.address} (${why}); generation ${newest.generation} (${newest.resource.address}) stays valid until ${day(at + durationMs(overlap))}, and a plan after that deletes it`,
          );
          rotatedApps.set(want.attrs.application, want);
        }
      }
      for (const generation of keep) state.add(generationOf(want, generation));
    }
  }
  const rotated = { ...desired, state };
  for (const [application, want] of rotatedApps) refuseOverLimit(application, want, rotated.state, live);
  warnings.push(...expiryWarnings(rotated.state, live, at));
  return { desired: rotated, notes, warnings };
}

/** The live credentials grouped by the declared address they are generations of, oldest first. */
function liveGenerations(live: State): Map<string, Generation[]> {
  const byDeclared = new Map<string, Generation[]>();
  for (const resource of live.ofKind('credential')) {
    const { name, generation } = parseGenerationName(resource.attrs.name);
    const declared = address('credential', SPECS.credential.key({ ...resource.attrs, name }));
    const created = resource.live?.key?.created_at === undefined ? undefined : Date.parse(resource.live.key.created_at);
    const list = byDeclared.get(declared) ?? [];
    list.push({ generation, resource, ...(created !== undefined && !Number.isNaN(created) && { created }) });
    byDeclared.set(declared, list);
  }
  for (const list of byDeclared.values()) list.sort((a, b) => a.generation - b.generation);
  return byDeclared;
}

/** One generation of a declared credential, as the diff compares it: its live name, no rotation settings. */
function generationOf(want: Resource<'credential'>, generation: number): Resource<'credential'> {
  const { rotate_every: _every, overlap: _overlap, generation: _generation, ...attrs } = want.attrs;
  const named = { ...attrs, name: generationName(want.attrs.name, generation) };
  const key = SPECS.credential.key(named);
  return { ...want, attrs: named, key, address: address('credential', key) };
}

/**
 * While both generations live, the application holds one credential more: a plan whose peak (its live
 * credentials and the ones it creates, since creates run before deletes) exceeds the portal's limit is refused.
 */
function refuseOverLimit(application: string, want: Resource<'credential'>, desired: State, live: State): void {
  const addresses = new Set<string>();
  for (const state of [desired, live]) for (const r of state.ofKind('credential')) if (r.attrs.application === application) addresses.add(r.address);
  if (addresses.size <= MAX_CREDENTIALS_PER_APPLICATION) return;
  const where = want.source ? `${formatPos(want.source)}: ` : '';
  throw new UserError(
    `${where}${want.address}: rotating it now would give application "${application}" ${addresses.size} credentials while the old key overlaps; a portal allows at most ${MAX_CREDENTIALS_PER_APPLICATION} per application (remove a credential in an apply before this one)`,
  );
}

/** A kept live key that expires within a week, or whose status is not active: one warning naming it and the date. */
function expiryWarnings(desired: State, live: State, at: number): string[] {
  const warnings: string[] = [];
  for (const want of desired.ofKind('credential')) {
    const facts = live.get(want.address)?.live?.key;
    if (facts === undefined) continue;
    const expires = facts.expires_at === undefined ? NaN : Date.parse(facts.expires_at);
    if (facts.status !== undefined && facts.status !== 'active' && facts.status !== 'expired') {
      warnings.push(`${want.address}: its key is ${facts.status}${Number.isNaN(expires) ? '' : ` (expires ${day(expires)})`}; rotate it (raise generation)`);
    } else if (facts.status === 'expired' || expires <= at) {
      warnings.push(`${want.address}: its key expired${Number.isNaN(expires) ? '' : ` on ${day(expires)}`}; rotate it (raise generation)`);
    } else if (expires - at <= EXPIRY_WARNING_MS) {
      const days = Math.ceil((expires - at) / 86_400_000);
      warnings.push(`${want.address}: its key expires on ${day(expires)} (in ${days} day${days === 1 ? '' : 's'}); rotate it before then (raise generation)`);
    }
  }
  return warnings;
}

/** A time as plans show it: UTC, to the minute. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}
