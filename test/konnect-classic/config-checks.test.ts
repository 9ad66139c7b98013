import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_classic_checks';
const DEV = { email: 'dev@example.com', password: 'pw-checks' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ flavour: 'classic', port: 0, token: TOKEN, developers: [DEV] });
});
afterAll(() => emu.stop());

const VERSION = '      - name: v1\n';
const APP = '  - reference_id: mobile-banking\n';
const REGISTRATION = '      - product: billing\n        version: v1\n';
const CREDENTIAL = '      - name: ci\n';
const labels = Array.from({ length: 48 }, (_, i) => `      l${i}: v`).join('\n');

/** What the classic portal cannot hold (MAPPING M1, M4, M11, M12, M14, M15, M17): each an edit of the quickstart, and the field the error names. */
const CASES: [string, (t: string) => string, RegExp][] = [
  ['a version description (M1)', (t) => t.replace(VERSION, `${VERSION}        description: Notes\n`), /product_version\.billing\/v1: description cannot be held by the konnect-classic backend/],
  ['a version visibility (M4)', (t) => t.replace(VERSION, `${VERSION}        visibility: public\n`), /product_version\.billing\/v1: visibility cannot be held by the konnect-classic backend/],
  ['application labels (M11)', (t) => t.replace(APP, `${APP}    labels: { team: web }\n`), /application\.mobile-banking: labels cannot be held by the konnect-classic backend/],
  ['a protected application (M14)', (t) => t.replace(APP, `${APP}    protected: true\n`), /application\.mobile-banking: protected cannot be held by the konnect-classic backend/],
  ['a protected registration (M14)', (t) => t.replace(REGISTRATION, `${REGISTRATION}        protected: true\n`), /registration\.mobile-banking\/billing\/v1: protected cannot be held by the konnect-classic backend/],
  ['a protected credential (M14)', (t) => t.replace(CREDENTIAL, `${CREDENTIAL}        protected: true\n`), /credential\.mobile-banking\/ci: protected cannot be held by the konnect-classic backend/],
  ['a team owner (M12)', (t) => t.replace(APP, `${APP}    owner: { type: team, name: payments }\n`), /application "mobile-banking": owner: a team cannot own an application on the konnect-classic backend/],
  ['another developer as owner (M12)', (t) => t.replace(APP, `${APP}    owner: { type: developer, name: someone@example.com }\n`), /application "mobile-banking": owner: on the konnect-classic backend the developer session \("dev@example\.com"\) owns/],
  [
    'two applications of one name (M17)',
    (t) => `${t}  - reference_id: second\n    name: Mobile Banking\n`,
    /application "second": name: "Mobile Banking" is also application "mobile-banking"'s, and the konnect-classic backend keeps application names unique/,
  ],
  ['more labels than Konnect keeps (M15)', (t) => t.replace('    description: Invoices and payments\n', `    description: Invoices and payments\n    labels:\n${labels}\n`), /product\.billing: labels: 48 labels, but the konnect-classic backend allows at most 47/],
];

describe('--backend konnect-classic refuses what the classic portal cannot hold', () => {
  it.each(CASES)('%s: one error at file:line naming the field and the backend, exit 1', async (_name, edit, message) => {
    const file = join(await tempDir(), 'portal.yaml');
    await writeFile(file, edit(await readFile(join(ROOT, 'examples/quickstart/portal.yaml'), 'utf8')));
    const r = await cli(['plan', file, '--backend', 'konnect-classic', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl], ENV);
    expect(r.code, r.stderr).toBe(1);
    // One line for the problem (a config check's is followed by the count, as every config error's is).
    expect(r.stderr).toMatch(/^(error: )?\/\S*portal\.yaml:\d+:\d+: [^\n]*\n(invalid: 1 error\n)?$/);
    expect(r.stderr).toMatch(message);
  });
});

describe('--backend konnect-classic, a new application without auth_strategy', () => {
  it('on a portal with no default and two key-auth strategies: apply refuses before any change, not at a failed create', async () => {
    const own = await startEmulator({ flavour: 'classic', port: 0, token: TOKEN, developers: [DEV] });
    try {
      const file = join(await tempDir(), 'portal.yaml');
      await writeFile(file, 'namespace: strategies\nauth_strategies: [{ name: keys, type: key_auth }, { name: more-keys, type: key_auth }]\napplications:\n  - reference_id: no-strategy\n    name: No strategy\n');
      const args = ['--backend', 'konnect-classic', '--konnect-url', own.adminUrl, '--portal-url', own.portalUrl];
      const r = await cli(['apply', file, '--yes', ...args], ENV);
      expect(r.stderr).toBe(
        'error: this plan cannot be applied: application.no-strategy names no auth_strategy, and the portal has no default strategy and 2 key-auth strategies to take instead: set auth_strategy (nothing applied)\n',
      );
      expect(r.code).toBe(3);
      expect(own.state.engine.list('auth_strategies')).toHaveLength(0);
    } finally {
      await own.stop();
    }
  });
});
