import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, type CliResult } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';
import { expectNoSecrets } from './reliability/secret-scan.js';

/**
 * Values from the environment in every position the config has: a list item (key_names), a label
 * value under a key with a dot, a field of a nested object (owner.name), a registration's status.
 */
const CONFIG = `namespace: secrets
auth_strategies:
  - name: key-auth
    type: key_auth
    key_names: ['\${{ env "HDR" }}', x-api-key]
    labels: { cost.center: '\${{ env "COST" }}' }
products:
  - name: billing
    labels: { team: '\${{ env "TEAM" }}' }
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
applications:
  - reference_id: mobile-banking
    name: Mobile Banking
    owner: { type: developer, name: '\${{ env "OWNER" }}' }
    registrations:
      - { product: billing, version: v1, status: '\${{ env "STATUS" }}' }
    credentials:
      - name: ci
`;

const FIRST = { HDR: 'X-Hdr-Secret-1', COST: 'Cost-Secret-1', TEAM: 'Team-Secret-1', OWNER: 'owner-secret-1@example.com', STATUS: 'approved' };
const SECOND = { HDR: 'X-Hdr-Secret-2', COST: 'Cost-Secret-2', TEAM: 'Team-Secret-2', OWNER: 'owner-secret-2@example.com', STATUS: 'revoked' };
/** The status is an enum value, not a distinctive string: look for it next to its field name instead. */
const STATUS_SHOWN = /status\W{0,4}(approved|revoked)/;

async function secretsWorkspace() {
  const ws = await workspace('quickstart');
  await writeFile(join(ws.config, 'portal.yaml'), CONFIG);
  const run = (argv: string[], env: NodeJS.ProcessEnv) => cli([argv[0]!, ws.config, ...argv.slice(1), '--state', ws.state], env);
  return { ...ws, run };
}

/** Every file under `dir`, as text. */
async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('values from the environment in any position', () => {
  it('a list item: sealed in the state, plans converge, a change shows only that item as (sensitive)', async () => {
    const ws = await secretsWorkspace();
    expect((await ws.run(['apply', '--yes', '--credentials-out', ws.creds], FIRST)).code).toBe(0);
    const state = JSON.parse(await readFile(ws.state, 'utf8'));
    const strategy = Object.values(state.auth_strategies)[0] as { config: { key_names: unknown[] } };
    expect(strategy.config.key_names).toEqual([{ $sensitive: expect.stringMatching(/^sha256:[0-9a-f]{16}:[0-9a-f]{64}$/) }, 'x-api-key']);

    const again = await ws.run(['plan', '--detailed-exitcode'], FIRST);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const changed = await ws.run(['plan'], { ...FIRST, HDR: SECOND.HDR });
    expect(changed.stdout).toContain('updating auth_strategy key-auth\n  key_names: ["(sensitive)","x-api-key"] → ["(sensitive)","x-api-key"]\n');
    const json = JSON.parse((await ws.run(['plan', '--format', 'json'], { ...FIRST, HDR: SECOND.HDR })).stdout);
    expect(json.changes).toEqual([
      expect.objectContaining({
        address: 'auth_strategy.key-auth',
        diff: [{ path: 'key_names', before: ['(sensitive)', 'x-api-key'], after: ['(sensitive)', 'x-api-key'] }],
      }),
    ]);
    expect(json.changes[0].before.key_names).toEqual(['(sensitive)', 'x-api-key']);
    expect(json.changes[0].after.key_names).toEqual(['(sensitive)', 'x-api-key']);
  });

  it('a label key with a dot: the value is sealed in the state, not stored in the clear', async () => {
    const ws = await secretsWorkspace();
    expect((await ws.run(['apply', '--yes', '--credentials-out', ws.creds], FIRST)).code).toBe(0);
    const state = JSON.parse(await readFile(ws.state, 'utf8'));
    const strategy = Object.values(state.auth_strategies)[0] as { labels: Record<string, unknown> };
    expect(strategy.labels['cost.center']).toEqual({ $sensitive: expect.any(String) });
  });

  it('dump writes a substitution in every position and every kind (a registration status too), names them, and the dump plans clean', async () => {
    const ws = await secretsWorkspace();
    expect((await ws.run(['apply', '--yes', '--credentials-out', ws.creds], FIRST)).code).toBe(0);
    const out = join(ws.dir, 'dumped');
    const dump = await cli(['dump', '--state', ws.state, '--out', out]);
    expect(dump.code).toBe(0);
    const text = await readFile(join(out, 'portal.yaml'), 'utf8');
    expect(text).not.toMatch(/\$sensitive|sha256/);
    const names = {
      PORTALCTL_AUTH_STRATEGY_KEY_AUTH_KEY_NAMES_0: FIRST.HDR,
      PORTALCTL_AUTH_STRATEGY_KEY_AUTH_LABELS_COST_CENTER: FIRST.COST,
      PORTALCTL_PRODUCT_BILLING_LABELS_TEAM: FIRST.TEAM,
      PORTALCTL_APPLICATION_MOBILE_BANKING_OWNER_NAME: FIRST.OWNER,
      PORTALCTL_REGISTRATION_MOBILE_BANKING_BILLING_V1_STATUS: FIRST.STATUS,
    };
    for (const name of Object.keys(names)) {
      expect(text).toContain(`\${{ env "${name}" }}`);
      expect(dump.stderr).toContain(name);
    }
    expect(text).toContain(`key_names:\n      - \${{ env "PORTALCTL_AUTH_STRATEGY_KEY_AUTH_KEY_NAMES_0" }}\n      - x-api-key\n`);
    const plan = await cli(['plan', out, '--state', ws.state, '--detailed-exitcode'], names);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  it('never appear in any output or file: apply, plan (text, json, --out), dump, the state file', async () => {
    const ws = await secretsWorkspace();
    const outputs: Record<string, CliResult> = {};
    outputs.firstPlan = await ws.run(['plan'], FIRST);
    outputs.firstApply = await ws.run(['apply', '--yes', '--credentials-out', ws.creds], FIRST);
    expect(outputs.firstApply.code).toBe(0);
    outputs.cleanPlan = await ws.run(['plan', '--detailed-exitcode'], FIRST);
    expect(outputs.cleanPlan.code).toBe(0);
    // Every value changes: the plans and the apply show updates in every position.
    outputs.text = await ws.run(['plan'], SECOND);
    outputs.json = await ws.run(['plan', '--format', 'json'], SECOND);
    const saved = join(ws.dir, 'plan.json');
    outputs.saved = await ws.run(['plan', '--out', saved], SECOND);
    expect(outputs.text.stdout).toMatch(/updating auth_strategy key-auth[\s\S]*updating product billing[\s\S]*updating application mobile-banking[\s\S]*updating registration/);
    outputs.secondApply = await ws.run(['apply', '--yes', '--credentials-out', ws.creds], SECOND);
    expect(outputs.secondApply.code).toBe(0);
    expect((await ws.run(['plan', '--detailed-exitcode'], SECOND)).code).toBe(0);
    outputs.dumpYaml = await cli(['dump', '--state', ws.state]);
    outputs.dumpJson = await cli(['dump', '--state', ws.state, '--format', 'json']);
    outputs.dumpOut = await cli(['dump', '--state', ws.state, '--out', join(ws.dir, 'dumped')]);

    const texts: Record<string, string> = { ...(await filesUnder(ws.dir)) };
    delete texts[join(ws.config, 'portal.yaml')];
    for (const [name, r] of Object.entries(outputs)) {
      texts[`${name} stdout`] = r.stdout;
      texts[`${name} stderr`] = r.stderr;
    }
    expect(Object.keys(texts)).toEqual(expect.arrayContaining([ws.state, saved, ws.creds, join(ws.dir, 'dumped', 'portal.yaml')]));
    // The shared scanner: every value, in the clear or encoded, in every output and file; the keys
    // too, everywhere but the credentials file.
    const values = Object.fromEntries(
      [...Object.entries(FIRST).map(([k, v]) => [`first ${k}`, v]), ...Object.entries(SECOND).map(([k, v]) => [`second ${k}`, v])].filter(([, v]) => !['approved', 'revoked'].includes(v!)),
    );
    const keys = JSON.parse(await readFile(ws.creds, 'utf8')) as Record<string, string>;
    await expectNoSecrets(values, { texts });
    const { [ws.creds]: _keysFile, ...withoutKeys } = texts;
    await expectNoSecrets(keys, { texts: withoutKeys });
    for (const [where, text] of Object.entries(texts)) expect(STATUS_SHOWN.test(text), `a status in ${where}`).toBe(false);
    expect(outputs.text.stdout).toContain("(sensitive)");
  });
});
