import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

describe('--backend offers only what works', () => {
  for (const command of ['plan', 'apply', 'dump']) {
    it(`${command} --help lists local only, and says what it is`, async () => {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('konnect');
      expect(r.stdout.replace(/\s+/g, ' ')).toContain('--backend <type> where the portal lives; local: the embedded portal, kept in the --state file (choices: "local", default: "local")');
    });
  }

  it('an unknown backend is a usage error naming the choices', async () => {
    const r = await cli(['plan', 'examples/quickstart', '--backend', 'konnect']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: option '--backend <type>' argument 'konnect' is invalid\. Allowed choices are local\.\n/);
  });
});
