import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_dump';
const DEV = { email: 'dev@example.com', password: 'pw-dump' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

describe('dump --backend konnect', () => {
  it("adopts one namespace's objects (planning the dump shows no changes), or every object with --all and a note per owner", async () => {
    const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
    running.push(emu);
    const konnect = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
    const dir = await tempDir();
    expect((await cli(['apply', join(ROOT, 'examples/quickstart'), ...konnect, '--yes', '--credentials-out', join(dir, 'creds.json')], ENV)).code).toBe(0);
    const teamB = join(dir, 'b.yaml');
    await writeFile(teamB, 'namespace: team-b\napplications:\n  - reference_id: b-app\n    name: B\n    registrations: [{ product: billing, version: v1 }]\n');
    expect((await cli(['apply', teamB, ...konnect, '--yes'], ENV)).code).toBe(0);

    const out = join(dir, 'dumped');
    const dumped = await cli(['dump', ...konnect, '--namespace', 'quickstart', '--out', out], ENV);
    expect(dumped.code).toBe(0);
    expect(dumped.stderr).toBe('note: left out 2 objects owned by other namespaces: "team-b" (2)\n');
    expect(await readFile(join(out, 'portal.yaml'), 'utf8')).not.toContain('b-app');
    const plan = await cli(['plan', out, ...konnect, '--namespace', 'quickstart', '--detailed-exitcode'], ENV);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);

    const all = await cli(['dump', ...konnect, '--namespace', 'quickstart', '--all', '--format', 'json'], ENV);
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { applications: { reference_id: string }[] }).applications.map((a) => a.reference_id)).toEqual(['b-app', 'mobile-banking']);
    expect(all.stderr).toBe('note: application.b-app is owned by namespace "team-b"\n');
  });
});
