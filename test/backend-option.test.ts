import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

describe('--backend offers only what works', () => {
  for (const command of ['plan', 'apply', 'dump']) {
    it(`${command} --help lists local, konnect and konnect-classic, and says what each is`, async () => {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.replace(/\s+/g, ' ')).toContain(
        '--backend <type> where the portal lives; local: the embedded portal, kept in the --state file; konnect: Kong Konnect (Dev Portal v3); konnect-classic: the classic Dev Portal (v2) (choices: "local", "konnect", "konnect-classic", default: "local")',
      );
    });
  }

  it('an unknown backend is a usage error naming the choices', async () => {
    const r = await cli(['plan', 'examples/quickstart', '--backend', 'konnect-v2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: option '--backend <type>' argument 'konnect-v2' is invalid\. Allowed choices are local, konnect, konnect-classic\.\n/);
  });

  for (const backend of ['konnect', 'konnect-classic']) {
    it(`${backend} without KONNECT_TOKEN is one error line`, async () => {
      const r = await cli(['plan', 'examples/quickstart', '--backend', backend, '--konnect-url', 'http://127.0.0.1:9']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: KONNECT_TOKEN is not set: .*\n$/);
    });
  }
});
