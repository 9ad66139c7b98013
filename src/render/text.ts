import type { Change, FieldDiff, Plan } from '../types/plan.js';
import type { Palette } from './color.js';

const VERB = { create: 'creating', update: 'updating', delete: 'deleting' } as const;

/** `creating application mobile-banking`: a change as decK prints it. */
export function changeLine(change: Change, colors: Palette, verbs: Record<Change['action'], string> = VERB): string {
  const key = change.address.slice(change.kind.length + 1);
  const color = change.action === 'create' ? colors.green : change.action === 'update' ? colors.yellow : colors.red;
  return color(`${verbs[change.action]} ${change.kind} ${key}`) + (change.adopt ? ' (adopting an unlabelled object)' : '');
}

export function formatValue(value: FieldDiff['before']): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** The plan as text: one line per change, `field: old → new` under updates, then the Summary block. */
export function renderPlanText(plan: Plan, colors: Palette): string {
  const lines: string[] = [];
  for (const change of plan.changes) {
    lines.push(changeLine(change, colors));
    if (change.action === 'update') {
      for (const d of change.diff) lines.push(`  ${d.path}: ${formatValue(d.before)} → ${formatValue(d.after)}`);
    }
  }
  for (const warning of plan.warnings) lines.push(colors.dim(`note: ${warning}`));
  if (plan.changes.length === 0) lines.push('No changes.');
  lines.push(...summaryLines(plan.summary.create, plan.summary.update, plan.summary.delete));
  return lines.join('\n') + '\n';
}

export function summaryLines(created: number, updated: number, deleted: number): string[] {
  return ['Summary:', `  Created: ${created}`, `  Updated: ${updated}`, `  Deleted: ${deleted}`];
}
