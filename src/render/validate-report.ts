import { KINDS } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { DesiredState } from '../model/state.js';

/** `valid: 1 auth strategy, 2 products, … (3 files, namespace x)`: what validate found. */
export function validSummary(desired: DesiredState): string {
  const counts = desired.state.counts();
  // A kind whose section the config leaves out is counted only when it has objects; a singleton (the portal's settings) is named, not counted.
  const parts = KINDS.filter((k) => counts[k] > 0 || (SPECS[k].lifecycle !== 'singleton' && desired.sections.has(SPECS[k].section))).map((k) =>
    SPECS[k].lifecycle === 'singleton' ? SPECS[k].noun : plural(counts[k], SPECS[k].noun),
  );
  return `valid: ${parts.join(', ')} (${plural(desired.files.length, 'file')}, namespace ${desired.namespace})`;
}

function plural(n: number, noun: string): string {
  if (n === 1) return `1 ${noun}`;
  return `${n} ${noun.endsWith('y') && !noun.endsWith('ey') ? noun.slice(0, -1) + 'ies' : noun + 's'}`;
}
