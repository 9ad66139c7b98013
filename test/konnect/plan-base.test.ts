import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, tempDir } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

const TOKEN = 'kpat_base';
const DEV = { email: 'dev@example.com', password: 'pw-base' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

const PORTAL = `namespace: team
auth_strategies:
  - name: key-auth
    type: key_auth
    key_names: [apikey]
products:
  - name: billing
    description: Invoices and payments
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
`;
const app = (id: string, description: string) => `  - reference_id: ${id}\n    name: ${id}\n    description: ${description}\n`;

describe('plan --base --backend konnect (the emulator)', () => {
  it('tells the second commit\'s changes from what was changed in the portal by hand', async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
    const author = (name: string, date: string) => ({ name, email: `${name.toLowerCase()}@example.com`, date });

    const repo = await gitRepo();
    await repo.commit('first', author('Alice', '2026-01-05T09:30:00+00:00'), {
      'config/portal.yaml': PORTAL,
      'config/apps.yaml': `applications:\n${app('mobile-banking', 'The app')}${app('legacy-app', 'Old')}`,
    });
    const first = await cli(['apply', join(repo.dir, 'config'), ...konnect, '--yes'], ENV);
    expect(first.stderr).toBe('');
    const byHand = join(await tempDir(), 'by-hand.yaml');
    await writeFile(byHand, `${PORTAL}applications:\n${app('mobile-banking', 'Changed by hand')}${app('legacy-app', 'Old')}${app('rogue', 'Made by hand')}`);
    expect((await cli(['apply', byHand, ...konnect, '--yes'], ENV)).code).toBe(0);
    await repo.commit('second', author('Bob', '2026-02-10T16:45:00+00:00'), {
      'config/apps.yaml': `applications:\n${app('mobile-banking', 'The app')}${app('partner-app', 'New')}`,
    });

    const r = await cli(['plan', join(repo.dir, 'config'), ...konnect, '--base', 'HEAD~1', '--blame', '--format', 'json'], ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    const origins = Object.fromEntries(json.changes.map((c: { address: string; origin: string }) => [c.address, c.origin]));
    expect(origins).toEqual({
      'application.mobile-banking': 'drift',
      'application.partner-app': 'change',
      'application.legacy-app': 'change',
      'application.rogue': 'drift',
    });
    expect(json.base).toMatchObject({ ref: 'HEAD~1', errors: 0, change: { create: 1, delete: 1 }, drift: { update: 1, delete: 1 } });
    const legacy = json.changes.find((c: { address: string }) => c.address === 'application.legacy-app');
    expect(legacy.source).toMatchObject({ file: join(repo.dir, 'config', 'apps.yaml'), line: 5, ref: 'HEAD~1', blame: { author: 'Alice' } });

    const md = (await cli(['plan', join(repo.dir, 'config'), ...konnect, '--base', 'HEAD~1', '--format', 'markdown'], ENV)).stdout;
    expect(md).toContain('### This change (vs **HEAD\\~1**): 1 to create, 0 to update, 1 to delete');
    expect(md).toContain('### ⚠️ Drift: the portal differs from **HEAD\\~1** (changed outside git): 0 to create, 1 to update, 1 to delete');
  });
});
