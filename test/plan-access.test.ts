import { describe, expect, it } from 'vitest';
import { workspace } from './helpers/workspace.js';

describe('a plan says what each registration change does to access', () => {
  it('a new registration shows the status it will get; a status change, who gains or loses access (text and JSON)', async () => {
    const ws = await workspace('quickstart');
    const created = await ws.run('plan');
    expect(created.stdout).toContain('creating registration mobile-banking/billing/v1\n  access: approved at once by auto-approve\n');
    expect((await ws.apply()).code).toBe(0);

    await ws.edit('portal.yaml', '        version: v1\n', '        version: v1\n        status: revoked\n');
    const revoked = await ws.run('plan');
    expect(revoked.stdout).toContain('updating registration mobile-banking/billing/v1\n  status: "approved" → "revoked"\n  access: mobile-banking loses access to billing/v1\n');
    const json = JSON.parse((await ws.run('plan', '--format', 'json')).stdout);
    expect(json.changes[0]).toMatchObject({ address: 'registration.mobile-banking/billing/v1', access: 'mobile-banking loses access to billing/v1' });
    expect((await ws.apply()).code).toBe(0);

    await ws.edit('portal.yaml', 'status: revoked', 'status: approved');
    expect((await ws.run('plan')).stdout).toContain('  access: mobile-banking gains access to billing/v1\n');
  });
});

describe('access notes in the markdown plan', () => {
  it('shows the status a new registration gets in its table row', async () => {
    const ws = await workspace('quickstart');
    const md = await ws.run('plan', '--format', 'markdown');
    expect(md.stdout).toMatch(/\| create \| mobile-banking\/billing\/v1 \| access: approved at once by auto-approve \|/);
  });
});
