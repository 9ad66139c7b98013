import { describe, expect, it } from 'vitest';
import { toIdAttrs } from '../src/backends/references.js';
import type { AnyResource } from '../src/model/resource.js';
import { seal } from '../src/model/sealed.js';
import { fieldDiffs, redactAttrs, sameValue, SENSITIVE } from '../src/plan/fields.js';

const version = (attrs: Record<string, unknown>, extra: Partial<AnyResource> = {}): AnyResource =>
  ({ kind: 'product_version', key: 'billing/v1', address: 'product_version.billing/v1', attrs: { product: 'billing', name: 'v1', ...attrs }, protected: false, ...extra }) as AnyResource;

describe('the diff without copies or serialisation of what holds no secret', () => {
  it('shows attributes without a secret as they are, and copies (never changes) those that hold one', () => {
    const plain = { name: 'x', labels: { team: 'a' } };
    expect(redactAttrs(plain, [])).toBe(plain);
    const sealed = { name: 'x', labels: { team: seal('secret') }, list: [seal('s')] };
    const shown = redactAttrs(sealed, []);
    expect(shown).toEqual({ name: 'x', labels: { team: SENSITIVE }, list: [SENSITIVE] });
    expect(sealed.labels.team).toHaveProperty('$sensitive');
    const secret = { name: 'x', description: 'from env' };
    expect(redactAttrs(secret, ['description'])).toEqual({ name: 'x', description: SENSITIVE });
    expect(secret.description).toBe('from env');
  });

  it('compares scalars as before: equal values, and unequal ones as JSON', () => {
    expect(sameValue('a', 'a')).toBe(true);
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue(undefined, undefined)).toBe(true);
    expect(sameValue('1', 1)).toBe(false);
    expect(sameValue(null, undefined)).toBe(false);
    expect(sameValue(Number.NaN, null)).toBe(true); // JSON has no NaN: it was always compared as null
  });

  it('finds no difference between equal objects, and shows the displayed values of the ones that differ', () => {
    const registration = { enabled: true, auth_strategy: 'key-auth', auto_approve: true };
    expect(fieldDiffs(version({ registration, description: 'd' }), version({ registration: { ...registration }, description: 'd' }))).toEqual([]);
    const want = version({ registration, description: 'new' }, { secretAttrs: ['description'] });
    const have = version({ registration: { ...registration, auto_approve: false }, description: 'old' });
    expect(fieldDiffs(want, have)).toEqual([
      { path: 'registration.auto_approve', before: false, after: true },
      { path: 'description', before: SENSITIVE, after: SENSITIVE },
    ]);
  });

  it('turns references into ids without changing the attributes it was given', () => {
    const attrs = { product: 'billing', name: 'v1', registration: { enabled: true, auth_strategy: 'key-auth' }, labels: { a: 'b' } };
    const before = structuredClone(attrs);
    const ids = toIdAttrs('product_version', attrs as never, (address) => `id of ${address}`) as Record<string, unknown>;
    expect(ids).toEqual({ product: 'id of product.billing', name: 'v1', registration: { enabled: true, auth_strategy: 'id of auth_strategy.key-auth' } });
    expect(attrs).toEqual(before);
  });
});
