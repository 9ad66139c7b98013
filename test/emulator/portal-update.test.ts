import { describe, expect, it } from 'vitest';
import { emulator } from './harness.js';

describe('the emulator updates its portal (update-portal)', () => {
  it('merges labels (null deletes a key) and keeps the other settings; GET shows them', async () => {
    const c = await emulator();
    const first = await c.call('PATCH', c.portal, { labels: { team: 'web', 'portalctl-commit.default': 'abc1234' } });
    expect(first.status).toBe(200);
    expect(first.body.labels).toEqual({ team: 'web', 'portalctl-commit.default': 'abc1234' });
    const second = await c.call('PATCH', c.portal, { labels: { team: null, env: 'prod' }, auto_approve_applications: true });
    expect(second.body).toMatchObject({ labels: { 'portalctl-commit.default': 'abc1234', env: 'prod' }, auto_approve_applications: true, name: 'default' });
    expect((await c.call('GET', c.portal)).body.labels).toEqual({ 'portalctl-commit.default': 'abc1234', env: 'prod' });
    expect((await c.call('GET', '/v3/portals')).body.data[0].labels).toEqual({ 'portalctl-commit.default': 'abc1234', env: 'prod' });
  });

  it('answers a label it cannot hold, a setting it does not keep and a missing strategy with 400, another portal with 404', async () => {
    const c = await emulator();
    const badValue = await c.call('PATCH', c.portal, { labels: { commit: 'not:a:label' } });
    expect(badValue.status).toBe(400);
    expect(badValue.body.invalid_parameters).toEqual([expect.objectContaining({ field: 'labels.commit', rule: 'is_label' })]);
    const unknown = await c.call('PATCH', c.portal, { sipr_enabled: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.invalid_parameters).toEqual([expect.objectContaining({ field: 'sipr_enabled', rule: 'unknown_property' })]);
    const strategy = await c.call('PATCH', c.portal, { default_application_auth_strategy_id: '00000000-0000-4000-8000-000000000000' });
    expect(strategy.status).toBe(400);
    expect(strategy.body.invalid_parameters).toEqual([expect.objectContaining({ field: 'default_application_auth_strategy_id', rule: 'missing_reference' })]);
    expect((await c.call('PATCH', '/v3/portals/00000000-0000-4000-8000-000000000000', { labels: {} })).status).toBe(404);
    expect((await c.call('GET', c.portal)).body.labels).toEqual({});
  });
});
