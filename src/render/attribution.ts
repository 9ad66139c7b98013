import type { Change, Counts, Plan } from '../types/plan.js';

type Source = NonNullable<Change['source']>;

/**
 * Where a change is declared, for a reviewer: `config/apps.yaml:12`, `in origin/main` for a delete
 * the base declared, and with --blame `(abc1234 Jane Doe, 2026-11-20)` or `(not committed yet)`.
 */
export function declaredAt(source: Source): string {
  const where = `${source.file}:${source.line}${source.ref === undefined ? '' : ` in ${source.ref}`}`;
  return source.blame === undefined ? where : `${where} (${blameText(source.blame)})`;
}

function blameText(blame: NonNullable<Source['blame']>): string {
  if (blame.commit === null) return 'not committed yet';
  const when = blame.date === undefined ? '' : `, ${blame.date.slice(0, 10)}`;
  return `${blame.commit.slice(0, 7)} ${blame.author ?? '(no author)'}${when}`;
}

/** `2 to create, 1 to update, 0 to delete` (`to replace` only when something is), or `no changes`. */
export function countsPhrase(counts: Counts, changes: number): string {
  if (changes === 0) return 'no changes';
  return [`${counts.create} to create`, `${counts.update} to update`, ...(counts.replace > 0 ? [`${counts.replace} to replace`] : []), `${counts.delete} to delete`].join(', ');
}

/** One of a plan --base's two parts: what this change introduces, or drift. */
export interface OriginGroup {
  changes: Change[];
  counts: Counts;
}

export const ORIGINS = ['change', 'drift'] as const;

/** A plan --base's changes by origin, each part in plan order, with its counts. */
export function originGroups(changes: readonly Change[], base: NonNullable<Plan['base']>): Record<(typeof ORIGINS)[number], OriginGroup> {
  const of = (origin: (typeof ORIGINS)[number]) => ({ changes: changes.filter((c) => (c.origin ?? 'change') === origin), counts: base[origin] });
  return { change: of('change'), drift: of('drift') };
}
