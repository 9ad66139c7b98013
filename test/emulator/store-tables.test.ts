import { describe, expect, it } from 'vitest';
import { storeProblems } from '../../src/backends/local/store-check.js';

describe('local store: the emulator tables', () => {
  it('accepts a state with portals, developers and teams, and names a broken record of them', () => {
    const base = { format_version: 1, auth_strategies: {}, products: {}, product_versions: {}, applications: {}, registrations: {}, credentials: {} };
    const portals = { p: { name: 'default', auto_approve_applications: false, default_application_auth_strategy_id: null, authentication_enabled: true } };
    const developers = { d: { portal_id: 'p', email: 'a@example.com', full_name: 'A', status: 'approved', password_hash: null } };
    expect(storeProblems({ ...base, portals, developers, teams: { t: { portal_id: 'p', name: 'ops', members: ['d'] } } })).toEqual([]);
    expect(storeProblems({ ...base, portals, developers: { d: { ...developers.d, portal_id: 'nope' } } })).toEqual(['developers.d: portal_id "nope" does not exist in portals']);
    expect(storeProblems({ ...base, portals, developers: { d: developers.d, e: { ...developers.d, email: 'A@example.com' } } })).toEqual(['developers.e: same portal and email as developers.d']);
  });
});
