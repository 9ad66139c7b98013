import type { Outcome } from '../apply/executor.js';
import type { Palette } from './color.js';
import { changeLine, summaryLines } from './text.js';

const DONE = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted' } as const;

/** One line per outcome as it lands: `created application x`, `failed: …: reason`, `skipped: …`. */
export function outcomeLine(o: Outcome, colors: Palette): string {
  switch (o.status) {
    case 'applied':
      return changeLine(o.change, colors, DONE);
    case 'failed':
      return colors.red(`failed: ${changeLine(o.change, colors)}: ${o.error}`);
    case 'skipped':
      return colors.dim(`skipped: ${changeLine(o.change, colors)}: depends on ${o.because}, which did not apply`);
  }
}

/** The Summary block of what landed; a delete counts what it took with it. */
export function appliedSummary(outcomes: readonly Outcome[]): string[] {
  const landed = outcomes.filter((o) => o.status === 'applied').map((o) => o.change);
  const count = (action: string) => landed.filter((c) => c.action === action).length;
  const deleted = landed.reduce((n, c) => n + (c.action === 'delete' ? 1 + (c.cascade?.length ?? 0) : 0), 0);
  return summaryLines({ create: count('create'), update: count('update'), replace: count('replace'), delete: deleted });
}

/** How an apply that did not finish ended: counts of what applied, failed, was skipped or never started. */
export function incompleteCounts(outcomes: readonly Outcome[], total: number): { failed: number; skipped: number; text: string } {
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const text = `${outcomes.length - failed - skipped} applied, ${failed} failed, ${skipped} skipped`;
  return { failed, skipped, text: outcomes.length < total ? `${text}, ${total - outcomes.length} not started` : text };
}

/** New keys shown once on a terminal (never when they go to a credentials file). */
export function keysShownOnce(secrets: readonly (readonly [string, string])[]): string[] {
  return ['', 'New credential keys (shown once, store them now):', ...secrets.map(([address, key]) => `  ${address}: ${key}`)];
}
