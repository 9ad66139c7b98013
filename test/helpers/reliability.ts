// Figures a reliability test reports (cases run, kills, faults injected, fuzz inputs, objects lost).
// Each test writes its own JSON file under .reliability/ in the repository; scripts/reliability-report.mjs
// reads them all and regenerates RELIABILITY.md, so the figures there come from a real run, not by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const FIGURES_DIR = join(ROOT, '.reliability');

/** Figure values: counts and short facts ("lost": 0). Never a secret. */
export type Figures = Record<string, number | string | boolean>;

/**
 * Records the figures of one proof. `proof` is a stable id (`crash.local`, `fuzz.validate`, ...) that
 * RELIABILITY.md's promise table refers to; a later run of the same proof replaces the file.
 */
export function recordFigures(proof: string, figures: Figures): void {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(proof)) throw new Error(`bad proof id ${proof}`);
  mkdirSync(FIGURES_DIR, { recursive: true });
  const record = { proof, recorded_at: new Date().toISOString(), figures };
  writeFileSync(join(FIGURES_DIR, `${proof}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** How many cases a heavy proof runs: the CI size, or more when PORTALCTL_HEAVY=1 asks for it. */
export function caseCount(ci: number, heavy: number): number {
  return process.env.PORTALCTL_HEAVY === '1' ? heavy : ci;
}
