import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../src/config/suggest.js';

describe('suggestions for typos', () => {
  it('measures swaps, insertions and deletions as one edit each', () => {
    expect(editDistance('refrence_id', 'reference_id')).toBe(1);
    expect(editDistance('aproved', 'approved')).toBe(1);
    expect(editDistance('key_ath', 'key_auth')).toBe(1);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  it('suggests the closest candidate only when it is close', () => {
    expect(suggest('refrence_id', ['name', 'reference_id', 'description'])).toBe('reference_id');
    expect(suggest('Name', ['name', 'owner'])).toBe('name');
    expect(suggest('zzz', ['name', 'owner'])).toBeUndefined();
    expect(suggest('labels', [])).toBeUndefined();
  });
});
