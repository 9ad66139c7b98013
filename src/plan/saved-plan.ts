import { readFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import type { Backend } from '../backends/backend.js';
import { ExitCode, UserError } from '../errors.js';
import type { State } from '../model/state.js';
import type { Plan } from '../types/plan.js';
import { liveFingerprint, PLAN_FORMAT_VERSION } from './diff.js';
import { validate as generatedValidator } from './validate-plan.generated.js';

/** A plan saved by `plan --out`, read back and checked against schemas/plan.schema.json. */
export async function readSavedPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new UserError(`${file}: cannot read the saved plan (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`${file}: not a saved plan (not JSON); make one with plan --out`);
  }
  // A plan of another format version (an older portalctl's, or a newer one's) is not read as this one.
  const version = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).format_version : undefined;
  if (typeof version === 'number' && version !== PLAN_FORMAT_VERSION) {
    throw new UserError(`${file}: a plan of format_version ${version}, which this portalctl does not read (it reads ${PLAN_FORMAT_VERSION}); make the plan again with this portalctl (plan --out)`);
  }
  // Generated from schemas/plan.schema.json at build time (scripts/gen-validators.mjs).
  const validate = generatedValidator as ValidateFunction<Plan>;
  if (!validate(data)) {
    const first = validate.errors?.[0];
    throw new UserError(`${file}: not a saved plan of this portalctl (${first?.instancePath || 'the document'} ${first?.message ?? 'is invalid'}); make one with plan --out`);
  }
  return data;
}

/** Refuses (exit 3) a saved plan made for another portal than `backend`. */
export function checkPlanTarget(plan: Plan, file: string, backend: Backend): void {
  if (plan.backend.type !== backend.type || plan.backend.target !== backend.target) {
    throw new UserError(
      `${file} was planned for the ${plan.backend.type} backend ${JSON.stringify(plan.backend.target)}, not ${backend.type} ${JSON.stringify(backend.target)}: nothing applied`,
      ExitCode.refused,
    );
  }
}

/**
 * Refuses (exit 3) a saved plan whose objects changed since it was made: each change carries the
 * fingerprint of the live object it was planned against (none for a create), so an unrelated
 * change elsewhere in the portal does not make it stale. Applying a plan twice is refused this way
 * too: its creates exist and its other objects have changed.
 */
export function checkNotStale(plan: Plan, live: State): void {
  const stale: string[] = [];
  for (const change of plan.changes) {
    const now = live.get(change.address);
    const fingerprint = now === undefined ? null : liveFingerprint(now);
    if (fingerprint !== change.fingerprint) stale.push(`${change.address} (${describe(change.fingerprint, fingerprint)})`);
  }
  if (stale.length === 0) return;
  const shown = stale.length > 5 ? `${stale.slice(0, 5).join(', ')} and ${stale.length - 5} more` : stale.join(', ');
  throw new UserError(`the saved plan is stale: ${stale.length === 1 ? 'an object it changes has' : `${stale.length} objects it changes have`} changed since it was made: ${shown}; plan again (nothing applied)`, ExitCode.refused);
}

function describe(planned: string | null, now: string | null): string {
  if (planned === null) return 'created since';
  if (now === null) return 'deleted since';
  return 'changed since';
}
