import { describe, expect, it } from 'vitest';
import { stateToConfig } from '../src/dump/to-config.js';
import { replaceAtPaths, resolvePath } from '../src/model/attr-paths.js';
import type { AnyResource } from '../src/model/resource.js';
import { seal } from '../src/model/sealed.js';
import { State } from '../src/model/state.js';
import { fieldDiffs, sameValue, shownAttrs } from '../src/plan/fields.js';
import { expectNoSecrets } from './reliability/secret-scan.js';

/** A resource with arbitrary attributes: these tests are about positions, not about a kind's fields. */
const resource = (attrs: Record<string, unknown>, extra: Partial<AnyResource> = {}): AnyResource =>
  ({ kind: 'product', key: 'p', address: 'product.p', attrs, protected: false, ...extra }) as AnyResource;

describe('paths into attributes', () => {
  it('resolve list items, nested objects, objects in lists, and keys that hold dots', () => {
    const attrs = { key_names: ['a', 'b'], owner: { name: 'n' }, rules: [{ match: ['x', 'y'] }], labels: { team: 't', 'cost.center': 'c' } };
    expect(resolvePath(attrs, 'key_names.1'.split('.'))).toEqual(['key_names', '1']);
    expect(resolvePath(attrs, 'rules.0.match.1'.split('.'))).toEqual(['rules', '0', 'match', '1']);
    expect(resolvePath(attrs, 'labels.cost.center'.split('.'))).toEqual(['labels', 'cost.center']);
    expect(resolvePath(attrs, 'labels.team.name'.split('.'))).toBeUndefined();
    expect(resolvePath(attrs, 'key_names.2'.split('.'))).toBeUndefined();
    const replaced = replaceAtPaths(attrs, ['key_names.0', 'rules.0.match.1', 'labels.cost.center', 'owner.name', 'missing.path'], () => 'X');
    expect(replaced).toEqual({ key_names: ['X', 'b'], owner: { name: 'X' }, rules: [{ match: ['x', 'X'] }], labels: { team: 't', 'cost.center': 'X' } });
    expect(attrs.key_names[0]).toBe('a');
  });
});

describe('comparing against sealed values at any depth', () => {
  it('a list holding a seal equals the desired list when each item matches', () => {
    expect(sameValue(['secret', 'x-api-key'], [seal('secret'), 'x-api-key'])).toBe(true);
    expect(sameValue(['other', 'x-api-key'], [seal('secret'), 'x-api-key'])).toBe(false);
    expect(sameValue(['secret'], [seal('secret'), 'x-api-key'])).toBe(false);
    expect(sameValue(['x-api-key', 'secret'], [seal('secret'), 'x-api-key'])).toBe(false);
  });

  it('objects in lists and lists in objects, fields left undefined counting as absent', () => {
    const live = { rules: [{ name: seal('n'), tags: ['a', seal('b')] }], owner: { type: 'team', name: seal('o') } };
    expect(sameValue({ rules: [{ name: 'n', tags: ['a', 'b'], note: undefined }], owner: { type: 'team', name: 'o' } }, live)).toBe(true);
    expect(sameValue({ rules: [{ name: 'n', tags: ['a', 'c'] }], owner: { type: 'team', name: 'o' } }, live)).toBe(false);
    expect(sameValue({ rules: [{ name: 'n', tags: ['a', 'b'] }], owner: { type: 'team', name: 'o', extra: 1 } }, live)).toBe(false);
  });

  it('two seals are equal only when they are the same seal', () => {
    const s = seal('v');
    expect(sameValue(s, s)).toBe(true);
    expect(sameValue(seal('v'), s)).toBe(false);
    expect(sameValue('v', s)).toBe(true);
    expect(sameValue(s, 'v')).toBe(true);
  });
});

describe('field diffs redact each secret position, wherever it is', () => {
  const want = resource(
    { key_names: ['new-secret', 'x-api-key'], owner: { type: 'team', name: 'new-owner' }, rules: [{ name: 'new-rule', tags: ['plain'] }] },
    { secretAttrs: ['key_names.0', 'owner.name', 'rules.0.name'] },
  );
  const have = resource({ key_names: [seal('old-secret'), 'x-api-key'], owner: { type: 'team', name: seal('old-owner') }, rules: [{ name: seal('old-rule'), tags: ['plain'] }] });

  it('shows only the secret positions as (sensitive), on both sides', () => {
    expect(fieldDiffs(want, have)).toEqual([
      { path: 'key_names', before: ['(sensitive)', 'x-api-key'], after: ['(sensitive)', 'x-api-key'] },
      { path: 'owner.name', before: '(sensitive)', after: '(sensitive)' },
      { path: 'rules', before: [{ name: '(sensitive)', tags: ['plain'] }], after: [{ name: '(sensitive)', tags: ['plain'] }] },
    ]);
    const shown = JSON.stringify([shownAttrs(want), shownAttrs(have), fieldDiffs(want, have)]);
    expect(shown).not.toMatch(/new-|old-|sha256/);
  });

  it('the shared scanner finds none of the values, in any encoding, in what is shown', async () => {
    const shown = { shown: JSON.stringify([shownAttrs(want), shownAttrs(have), fieldDiffs(want, have)]) };
    await expectNoSecrets({ a: 'new-secret', b: 'old-secret', c: 'new-owner', d: 'old-owner', e: 'new-rule', f: 'old-rule' }, { texts: shown });
  });

  it('no diff when every secret matches its seal', () => {
    const same = resource({ key_names: [seal('new-secret'), 'x-api-key'], owner: { type: 'team', name: seal('new-owner') }, rules: [{ name: seal('new-rule'), tags: ['plain'] }] });
    expect(fieldDiffs(want, same)).toEqual([]);
  });

  it('a live value held in the clear is redacted at the desired secret positions', () => {
    const clear = resource({ key_names: ['old-secret', 'x-api-key'], owner: { type: 'team', name: 'new-owner' }, rules: [{ name: 'new-rule', tags: ['plain'] }] });
    expect(fieldDiffs(want, clear)).toEqual([{ path: 'key_names', before: ['(sensitive)', 'x-api-key'], after: ['(sensitive)', 'x-api-key'] }]);
  });
});

describe('dump: sealed values become substitutions in every kind and position', () => {
  const add = (state: State, r: Partial<AnyResource> & Pick<AnyResource, 'kind' | 'key' | 'attrs'>) =>
    state.add({ address: `${r.kind}.${r.key}`, protected: false, live: { id: r.key, owner: 'ns' }, ...r } as AnyResource);

  it('list items, nested objects, registration status; names never shared by two values', () => {
    const state = new State();
    add(state, { kind: 'auth_strategy', key: 'k', attrs: { name: 'k', type: 'key_auth', key_names: [seal('h'), 'x-api-key'], labels: { 'cost.center': seal('c') } } as never });
    add(state, { kind: 'product', key: 'a-b', attrs: { name: 'a-b', description: seal('d1') } as never });
    add(state, { kind: 'product', key: 'a_b', attrs: { name: 'a_b', description: seal('d2') } as never });
    add(state, { kind: 'application', key: 'app', attrs: { reference_id: 'app', name: 'App', owner: { type: 'team', name: seal('o') } } as never });
    add(state, { kind: 'registration', key: 'app/a-b/v1', attrs: { application: 'app', product: 'a-b', version: 'v1', status: seal('approved') } as never });
    const { config, envNames } = stateToConfig(state, 'ns');
    expect(JSON.stringify(config)).not.toMatch(/\$sensitive|sha256/);
    const env = (name: string) => `\${{ env "${name}" }}`;
    expect(config.auth_strategies?.[0]).toMatchObject({ key_names: [env('PORTALCTL_AUTH_STRATEGY_K_KEY_NAMES_0'), 'x-api-key'], labels: { 'cost.center': env('PORTALCTL_AUTH_STRATEGY_K_LABELS_COST_CENTER') } });
    expect(config.products?.map((p) => p.description)).toEqual([env('PORTALCTL_PRODUCT_A_B_DESCRIPTION'), env('PORTALCTL_PRODUCT_A_B_DESCRIPTION_2')]);
    expect(config.applications?.[0]?.owner?.name).toBe(env('PORTALCTL_APPLICATION_APP_OWNER_NAME'));
    expect(config.applications?.[0]?.registrations?.[0]?.status).toBe(env('PORTALCTL_REGISTRATION_APP_A_B_V1_STATUS'));
    expect(new Set(envNames).size).toBe(envNames.length);
    expect(envNames).toHaveLength(6);
  });
});
