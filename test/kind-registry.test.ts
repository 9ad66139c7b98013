import { describe, expect, it } from 'vitest';
import { isIdentifyingPath } from '../src/config/identifying.js';
import { KINDS } from '../src/model/kind.js';
import { SPECS } from '../src/model/kinds/index.js';

describe('the kind registry', () => {
  it('finds the identifying fields of every kind from its key fields and references', () => {
    const identifying = [
      ['namespace'],
      ['portal'],
      ['auth_strategies', 0, 'name'],
      ['products', 3, 'name'],
      ['products', 0, 'versions', 2, 'name'],
      ['products', 0, 'versions', 0, 'registration', 'auth_strategy'],
      ['applications', 1, 'reference_id'],
      ['applications', 1, 'auth_strategy'],
      ['applications', 0, 'registrations', 4, 'product'],
      ['applications', 0, 'registrations', 4, 'version'],
      ['applications', 0, 'credentials', 0, 'name'],
    ];
    const other = [
      ['auth_strategies', 0, 'display_name'],
      ['auth_strategies', 0, 'key_names', 0],
      ['products', 0, 'description'],
      ['products', 0, 'labels', 'name'],
      ['products', 0, 'versions', 0, 'description'],
      ['products', 0, 'versions', 0, 'product'], // not written in the config: the parent gives it
      ['applications', 0, 'name'],
      ['applications', 0, 'owner', 'name'],
      ['applications', 0, 'registrations', 0, 'status'],
      ['applications', 0, 'registrations', 0, 'application'],
      ['unknown', 0, 'name'],
      ['products', 'x', 'name'],
    ];
    for (const path of identifying) expect(isIdentifyingPath(path), path.join('.')).toBe(true);
    for (const path of other) expect(isIdentifyingPath(path), path.join('.')).toBe(false);
  });

  it('fills in the defaults the schema states, and the ones it states in words', () => {
    expect(SPECS.auth_strategy.withDefaults({ name: 'k', type: 'key_auth' })).toEqual({ name: 'k', type: 'key_auth', display_name: 'k', key_names: ['apikey'], labels: {} });
    expect(SPECS.auth_strategy.withDefaults({ name: 'o', type: 'openid_connect', issuer: 'https://idp/' })).toEqual({
      name: 'o',
      type: 'openid_connect',
      issuer: 'https://idp/',
      display_name: 'o',
      credential_claim: ['sub'],
      scopes: ['openid'],
      auth_methods: ['client_credentials', 'bearer'],
      labels: {},
    });
    expect(SPECS.product_version.withDefaults({ product: 'p', name: 'v1' })).toEqual({
      product: 'p',
      name: 'v1',
      description: '',
      publish_status: 'published',
      visibility: 'private',
      deprecated: false,
      registration: { enabled: false, auto_approve: false },
    });
    expect(SPECS.product.withDefaults({ name: 'p' })).toEqual({ name: 'p', description: '', labels: {} });
    // Nothing that is not an attribute: no `protected`, no child lists.
    expect(SPECS.application.withDefaults({ reference_id: 'a', name: 'A' })).toEqual({ reference_id: 'a', name: 'A', description: '', labels: {} });
    expect(SPECS.registration.withDefaults({ application: 'a', product: 'p', version: 'v1' })).toEqual({ application: 'a', product: 'p', version: 'v1' });
  });

  it('keys, parents and references follow from the key fields and placement', () => {
    expect(SPECS.registration.key({ application: 'a', product: 'p', version: 'v1' })).toBe('a/p/v1');
    expect(SPECS.registration.references({ application: 'a', product: 'p', version: 'v1' })).toEqual([
      { address: 'application.a', field: 'application', cascade: true },
      { address: 'product_version.p/v1', field: 'version', cascade: true },
    ]);
    expect(SPECS.product_version.references({ product: 'p', name: 'v1' })).toEqual([{ address: 'product.p', field: 'product', cascade: true }]);
    expect(KINDS.filter((k) => SPECS[k].parent !== undefined).map((k) => [k, SPECS[k].section])).toEqual([
      ['product_version', 'products'],
      ['team_member', 'teams'],
      ['team_role', 'teams'],
      ['registration', 'applications'],
      ['credential', 'applications'],
    ]);
    expect(SPECS.application.children).toEqual([
      { kind: 'registration', list: 'registrations' },
      { kind: 'credential', list: 'credentials' },
    ]);
  });
});
