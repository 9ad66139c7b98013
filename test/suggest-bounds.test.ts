import { describe, expect, it } from 'vitest';
import { editDistance, editDistanceWithin, MAX_CELLS_PER_SUGGESTION, suggest, type SuggestStats } from '../src/config/suggest.js';

/** The full optimal-string-alignment table, to check the banded computation against. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe('suggestions stay cheap whatever the input', () => {
  it('computes the banded distance exactly when it is within the bound, and reports "over" otherwise', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = () => Array.from({ length: Math.floor(random() * 8) }, () => 'abc'[Math.floor(random() * 3)]).join('');
    for (let n = 0; n < 20_000; n++) {
      const [a, b, max] = [word(), word(), Math.floor(random() * 5)];
      const exact = fullDistance(a, b);
      expect(editDistanceWithin(a, b, max), `${a} ${b} ${max}`).toBe(exact <= max ? exact : max + 1);
    }
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('skips candidates whose length alone rules them out', () => {
    const candidates = Array.from({ length: 10_000 }, (_, i) => 'c'.repeat(30 + (i % 50)));
    candidates.push('refrence-id');
    const stats: SuggestStats = { measured: 0, cells: 0 };
    expect(suggest('reference-id', candidates, stats)).toBe('refrence-id');
    expect(stats.measured).toBe(1);
  });

  it('gives up on a hopeless candidate after a few rows', () => {
    const work = { cells: 0 };
    expect(editDistanceWithin('a'.repeat(100), 'b'.repeat(100), 3, work)).toBe(4);
    expect(work.cells).toBeLessThanOrEqual(4 * 7); // four rows of a band seven wide, not 100 × 100
  });

  it('returns at once for an input longer than any name', () => {
    const candidates = Array.from({ length: 10_000 }, (_, i) => `product-${i}`);
    const stats: SuggestStats = { measured: 0, cells: 0 };
    // Before the bound this compared 2 million × 10 characters against each of 10,000 candidates.
    expect(suggest('y'.repeat(2_000_000), candidates, stats)).toBeUndefined();
    expect(stats).toEqual({ measured: 0, cells: 0 });
  });

  it('bounds the work of one search among many near-identical long candidates', () => {
    // Shared 90-character prefixes defeat the early exit: only the cell budget bounds this search.
    const prefix = 'a'.repeat(90);
    const candidates = Array.from({ length: 10_000 }, (_, i) => `${prefix}${String(i).padStart(10, '0')}`);
    const stats: SuggestStats = { measured: 0, cells: 0 };
    suggest(`${prefix}x${'9'.repeat(9)}`, candidates, stats);
    expect(stats.cells).toBeLessThanOrEqual(MAX_CELLS_PER_SUGGESTION + 100 * 7);
  });

  it('still finds a typo among a thousand realistic names', () => {
    const candidates = Array.from({ length: 1000 }, (_, i) => `team-${i}-payments-api`);
    expect(suggest('team-987-paymnets-api', candidates)).toBe('team-987-payments-api');
  });
});
