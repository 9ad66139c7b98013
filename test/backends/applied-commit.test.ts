import { describe, expect, it } from 'vitest';
import { appliedLabelKey, appliedLabelValue, parseAppliedLabel } from '../../src/backends/konnect/applied-label.js';
import { UNDER_TEST } from './backends.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

/** Every backend keeps the commit each namespace was last applied from, with the apply's writes. */
describe.each(Object.entries(UNDER_TEST))('the %s backend keeps the commit applied', (_name, openEmpty) => {
  it('per namespace, read back as written; the same commit again keeps its first time, another replaces it', async () => {
    const backend = await openEmpty();
    expect(backend.readApplied).toBeTypeOf('function');
    expect(await backend.readApplied!('team-a')).toBeUndefined();

    await backend.transaction(async (tx) => {
      expect(tx.recordApplied).toBeTypeOf('function');
      await tx.recordApplied!('team-a', { commit: A, dirty: false, at: '2026-11-20T10:00:00Z' });
      await tx.recordApplied!('team-b', { commit: B, dirty: true, at: '2026-11-20T11:00:00Z' });
    });
    expect(await backend.readApplied!('team-a')).toEqual({ commit: A, dirty: false, at: '2026-11-20T10:00:00Z' });
    expect(await backend.readApplied!('team-b')).toEqual({ commit: B, dirty: true, at: '2026-11-20T11:00:00Z' });
    expect(await backend.readApplied!('team-c')).toBeUndefined();

    await backend.transaction((tx) => tx.recordApplied!('team-a', { commit: A, dirty: false, at: '2026-11-21T10:00:00Z' }));
    expect(await backend.readApplied!('team-a')).toEqual({ commit: A, dirty: false, at: '2026-11-20T10:00:00Z' });
    await backend.transaction((tx) => tx.recordApplied!('team-a', { commit: B, dirty: false, at: '2026-11-22T10:00:00Z' }));
    expect(await backend.readApplied!('team-a')).toEqual({ commit: B, dirty: false, at: '2026-11-22T10:00:00Z' });
    expect(await backend.readApplied!('team-b')).toEqual({ commit: B, dirty: true, at: '2026-11-20T11:00:00Z' });
  });

  it('for the longest namespace a config allows', async () => {
    const backend = await openEmpty();
    const long = `${'n'.repeat(61)}-x`;
    const other = `${'n'.repeat(61)}-y`;
    await backend.transaction((tx) => tx.recordApplied!(long, { commit: A, dirty: true, at: '2026-11-20T10:00:00Z' }));
    expect(await backend.readApplied!(long)).toEqual({ commit: A, dirty: true, at: '2026-11-20T10:00:00Z' });
    expect(await backend.readApplied!(other)).toBeUndefined();
  });
});

describe('the konnect label of the commit applied (MAPPING 1.4)', () => {
  const LABEL_VALUE = /^[a-z0-9A-Z]{1}([a-z0-9A-Z-._]*[a-z0-9A-Z]+)?$/;

  it('fits a label key and value at their longest, and reads back what it holds', () => {
    const record = { commit: 'f'.repeat(40), dirty: true, at: '2026-11-20T10:00:00Z' };
    const value = appliedLabelValue(record);
    expect(value).toBe(`${'f'.repeat(40)}-dirty.20261120T100000Z`);
    expect(value.length).toBe(63);
    expect(value).toMatch(LABEL_VALUE);
    expect(parseAppliedLabel(value)).toEqual(record);
    expect(parseAppliedLabel(appliedLabelValue({ commit: A, dirty: false, at: '2026-11-20T10:00:00.123Z' }))).toEqual({ commit: A, dirty: false, at: '2026-11-20T10:00:00Z' });
  });

  it('keeps the first 40 characters of a SHA-256 commit id; a value it did not write reads as no record', () => {
    const sha256 = '0123456789abcdef'.repeat(4);
    expect(parseAppliedLabel(appliedLabelValue({ commit: sha256, dirty: false, at: '2026-11-20T10:00:00Z' }))).toEqual({ commit: sha256.slice(0, 40), dirty: false, at: '2026-11-20T10:00:00Z' });
    for (const wrong of [undefined, 'yes', 'ABCDEF1234', `${A}-clean`]) expect(parseAppliedLabel(wrong)).toBeUndefined();
  });

  it('names the namespace in the key, or a hash of it when that would pass 63 characters', () => {
    expect(appliedLabelKey('payments')).toBe('portalctl-commit.payments');
    const fits = 'n'.repeat(63 - 'portalctl-commit.'.length);
    expect(appliedLabelKey(fits)).toBe(`portalctl-commit.${fits}`);
    const long = appliedLabelKey(`${fits}n`);
    expect(long).toMatch(/^portalctl-commit-h\.[0-9a-f]{32}$/);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(appliedLabelKey(`${fits}m`)).not.toBe(long);
  });
});
