import { quote } from '../diagnostics/quote.js';

/**
 * Inputs longer than this get no suggestion. No name the schema allows is longer than 255
 * characters, and a hint for a value that long would not help anyway.
 */
export const MAX_SUGGESTED_INPUT = 256;

/**
 * Edit-distance cells one suggestion may compute. A config can hold thousands of unknown references
 * and thousands of candidates: this bounds each search (about a millisecond), so their product does
 * not turn into minutes. A real search (a few hundred products, strategies or versions) needs a
 * fraction of it.
 */
export const MAX_CELLS_PER_SUGGESTION = 50_000;

/** What a search did, for tests and measurements. */
export interface SuggestStats {
  /** Candidates whose distance was computed (the others were skipped by length alone). */
  measured: number;
  /** Edit-distance cells computed. */
  cells: number;
}

/** Edits allowed for a suggestion: about one per four characters, at least one, at most three. */
export function allowedEdits(length: number): number {
  return Math.min(3, Math.max(1, Math.floor(length / 4)));
}

/**
 * The candidate closest to `input` (ignoring case) when it is close enough to be a likely typo, else
 * undefined. The search costs input length × allowed edits per candidate at most: candidates whose
 * length alone rules them out are skipped, a distance is given up as soon as it exceeds the best one
 * found so far, and the whole search stops after MAX_CELLS_PER_SUGGESTION cells.
 */
export function suggest(input: string, candidates: Iterable<string>, stats?: SuggestStats): string | undefined {
  if (input.length > MAX_SUGGESTED_INPUT) return undefined;
  const lower = input.toLowerCase();
  const allowed = allowedEdits(input.length);
  const work = stats ?? { measured: 0, cells: 0 };
  const cellsAtStart = work.cells;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    if (candidate === input) continue; // "did you mean" the very name that failed helps no one
    // Each edit changes the length by at most one.
    if (Math.abs(candidate.length - input.length) > allowed) continue;
    if (work.cells - cellsAtStart > MAX_CELLS_PER_SUGGESTION) break;
    work.measured++;
    const distance = editDistanceWithin(lower, candidate.toLowerCase(), bestDistance - 1, work);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment) distance: insertions, deletions, substitutions, swaps. */
export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/**
 * The optimal-string-alignment distance of `a` and `b` when it is at most `max`, else `max + 1`.
 * Only the band of cells within `max` of the diagonal is computed (a path outside it costs more than
 * `max`), and the computation stops at the first row whose every cell exceeds `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number, work?: { cells: number }): number {
  const over = max + 1;
  if (max < 0) return over;
  if (Math.abs(a.length - b.length) > max) return over;
  const n = a.length;
  const m = b.length;
  // Three rows (two back, one back, this one) in one reused buffer; a cell outside the band is `over`.
  const width = m + 2;
  if (scratch.length < 3 * width) scratch = new Int32Array(3 * width);
  const d = scratch;
  d.fill(over, 0, 3 * width);
  let before = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j <= Math.min(m, max); j++) d[previous + j] = j;
  let cells = 0;
  let gaveUp = false;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    let rowMin = (d[current + lo - 1] = lo === 1 && i <= max ? i : over);
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = d[previous + j - 1]! + (ai === bj ? 0 : 1);
      const up = d[previous + j]! + 1;
      if (up < value) value = up;
      const left = d[current + j - 1]! + 1;
      if (left < value) value = left;
      if (j > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj) {
        const swap = d[before + j - 2]! + 1;
        if (swap < value) value = swap;
      }
      if (value > over) value = over;
      d[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    cells += hi - lo + 1;
    d[current + hi + 1] = over;
    if (rowMin > max) {
      gaveUp = true;
      break;
    }
    const oldest = before;
    before = previous;
    previous = current;
    current = oldest;
  }
  if (work) work.cells += cells;
  return gaveUp ? over : Math.min(d[previous + m]!, over);
}

/** The rows of editDistanceWithin, reused from call to call (names are short: it stays small). */
let scratch = new Int32Array(3 * 130);

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const hit = suggest(input, candidates);
  return hit === undefined ? '' : ` (did you mean ${quote(hit)}?)`;
}
