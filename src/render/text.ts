import type { Change, FieldDiff, Plan } from '../types/plan.js';
import type { Palette } from './color.js';
import { describeApplied } from './applied.js';
import { countsPhrase, declaredAt, ORIGINS, originGroups } from './attribution.js';

const VERB = { create: 'creating', update: 'updating', replace: 'replacing', delete: 'deleting' } as const;

/** `creating application mobile-banking`: a change as decK prints it, with why a replace and what a delete takes along. */
export function changeLine(change: Change, colors: Palette, verbs: Record<Change['action'], string> = VERB): string {
  const key = change.address.slice(change.kind.length + 1);
  const color = change.action === 'create' ? colors.green : change.action === 'update' ? colors.yellow : colors.red;
  return color(`${verbs[change.action]} ${change.kind} ${key}`) + qualifier(change);
}

/** Why a credential whose fields did not change is replaced. */
export const REISSUE = 'its key was lost by an interrupted apply: made again with a new key';

function qualifier(change: Change): string {
  if (change.adopt) return ' (adopting an unlabelled object)';
  if (change.replaced_by?.length) return ` (${change.replaced_by.join(', ')} cannot change)`;
  if (change.reissue) return ` (${REISSUE})`;
  if (change.cascade?.length) return ` (and ${countByKind(change.cascade)} with it)`;
  return '';
}

/** `3 registrations, 1 credential`: addresses counted per kind, in the order they first appear. */
export function countByKind(addresses: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of addresses) {
    const kind = a.slice(0, a.indexOf('.'));
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${kind.replace(/_/g, ' ')}${n === 1 ? '' : 's'}`).join(', ');
}

export function formatValue(value: FieldDiff['before']): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/**
 * The plan as text: one line per change with where it is declared, `field: old → new` under
 * updates, then the Summary block. A plan --base shows this change and drift as two groups.
 */
export function renderPlanText(plan: Plan, colors: Palette): string {
  const lines: string[] = [];
  if (plan.base === undefined) {
    for (const change of plan.changes) lines.push(...changeLines(change, colors));
  } else {
    const { ref } = plan.base;
    const groups = originGroups(plan.changes, plan.base);
    for (const origin of ORIGINS) {
      const { changes, counts } = groups[origin];
      const title = origin === 'change' ? `This change (vs ${ref})` : `Drift (the portal differs from ${ref})`;
      lines.push(`${title}: ${countsPhrase(counts, changes.length)}`);
      for (const change of changes) lines.push(...changeLines(change, colors).map((l) => `  ${l}`));
    }
  }
  for (const warning of plan.warnings) lines.push(colors.dim(`note: ${warning}`));
  if (plan.changes.length === 0) lines.push('No changes.');
  lines.push(...summaryLines(plan.summary));
  if (plan.applied !== undefined) lines.push(colors.dim(`last applied: ${describeApplied(plan.applied)}`));
  return lines.join('\n') + '\n';
}

function changeLines(change: Change, colors: Palette): string[] {
  const lines = [changeLine(change, colors)];
  if (change.action === 'update' || change.action === 'replace') {
    // In a change that is introduced, the fields that drifted are told apart.
    const drift = (d: FieldDiff) => (d.drift && change.origin === 'change' ? ' (drift)' : '');
    for (const d of change.diff ?? []) lines.push(`  ${d.path}: ${formatValue(d.before)} → ${formatValue(d.after)}${drift(d)}`);
  }
  for (const taken of change.cascade ?? []) lines.push(colors.red(`  with ${taken.replace('.', ' ')}`));
  // What a registration change does to access: what a reviewer is there to check.
  if (change.access !== undefined) lines.push(`  access: ${change.access}`);
  if (change.rotation !== undefined) lines.push(`  rotation: ${change.rotation}`);
  if (change.source !== undefined) lines.push(colors.dim(`  declared at ${declaredAt(change.source)}`));
  return lines;
}

/** The Summary block; `Replaced` appears only when something is replaced. */
export function summaryLines(counts: Pick<Plan['summary'], 'create' | 'update' | 'replace' | 'delete'>): string[] {
  return [
    'Summary:',
    `  Created: ${counts.create}`,
    `  Updated: ${counts.update}`,
    ...(counts.replace > 0 ? [`  Replaced: ${counts.replace}`] : []),
    `  Deleted: ${counts.delete}`,
  ];
}
