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

/** A plan --base's two parts: what this change introduces, and drift, each in plan order. */
export interface OriginGroup {
  origin: 'change' | 'drift';
  changes: Change[];
  counts: Counts;
}

export function originGroups(plan: Plan & { base: NonNullable<Plan['base']> }): OriginGroup[] {
  return (['change', 'drift'] as const).map((origin) => ({
    origin,
    changes: plan.changes.filter((c) => (c.origin ?? 'change') === origin),
    counts: plan.base[origin],
  }));
}
