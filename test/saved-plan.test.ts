import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, STACK_TRACE } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

const changeLines = (out: string) => out.split('\n').filter((l) => /^(created|updated|replaced|deleted) /.test(l));

/** A workspace with a saved plan of its config, and a way to apply it. */
async function saved(example: string, env: NodeJS.ProcessEnv = {}) {
  const ws = await workspace(example);
  const file = join(ws.dir, 'plan.json');
  const save = async () => {
    const r = await cli(['plan', ws.config, '--state', ws.state, '--out', file], env);
    expect(r.code, r.stderr).toBe(0);
  };
  const applyPlan = (extraEnv: NodeJS.ProcessEnv = env, ...extra: string[]) =>
    cli(['apply', '--plan', file, '--yes', '--state', ws.state, '--credentials-out', ws.creds, ...extra], extraEnv);
  return { ws, file, save, applyPlan };
}

describe('apply --plan runs a saved plan alone', () => {
  it('applies exactly the saved changes, writes the keys, and the config then plans clean', async () => {
    const { ws, file, save, applyPlan } = await saved('org');
    await save();
    const planned = JSON.parse(await readFile(file, 'utf8')) as { changes: { action: string; address: string }[] };
    // The config may change after the plan was saved: apply --plan does not read it again.
    await ws.edit('products/payments-team.yaml', 'Invoices', 'Edited after planning');
    const r = await applyPlan();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(changeLines(r.stdout).map((l) => l.replace(/^(\w+) (\w+) /, '$2.'))).toEqual(planned.changes.map((c) => c.address));
    expect(Object.keys(JSON.parse(await readFile(ws.creds, 'utf8'))).sort()).toEqual(
      planned.changes.filter((c) => c.address.startsWith('credential.')).map((c) => c.address).sort(),
    );
    await ws.edit('products/payments-team.yaml', 'Edited after planning', 'Invoices');
    expect((await ws.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses the same plan a second time (exit 3), naming what changed since', async () => {
    const { save, applyPlan } = await saved('quickstart');
    await save();
    expect((await applyPlan()).code).toBe(0);
    const again = await applyPlan();
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^error: the saved plan is stale: 6 objects it changes have changed since it was made: auth_strategy\.key-auth \(created since\), .* and 1 more; plan again \(nothing applied\)\n$/);
  });

  it('refuses a plan whose object changed since, but not for a change elsewhere in the portal', async () => {
    const { ws, file, save, applyPlan } = await saved('quickstart');
    expect((await ws.apply()).code).toBe(0);
    await ws.edit('portal.yaml', 'description: The mobile banking app', 'description: Planned description');
    await save();
    // Elsewhere: another namespace's application appears. The plan stays good.
    const other = join(ws.dir, 'other.yaml');
    await writeFile(other, 'namespace: other\napplications:\n  - { reference_id: unrelated, name: Unrelated }\n');
    expect((await cli(['apply', other, '--yes', '--state', ws.state])).code).toBe(0);
    // The planned object itself changes behind the plan's back.
    await ws.edit('portal.yaml', 'description: Planned description', 'description: Someone else');
    expect((await ws.apply()).code).toBe(0);
    const stale = await applyPlan();
    expect(stale.code).toBe(3);
    expect(stale.stderr).toBe('error: the saved plan is stale: an object it changes has changed since it was made: application.mobile-banking (changed since); plan again (nothing applied)\n');
    // Planned again, it applies.
    await ws.edit('portal.yaml', 'description: Someone else', 'description: Planned description');
    await save();
    expect(JSON.parse(await readFile(file, 'utf8')).changes).toHaveLength(1);
    expect((await applyPlan()).code).toBe(0);
  });

  it('keeps environment values out of the plan file and reads them again at apply time', async () => {
    const secret = 'header-from-the-environment';
    const { ws, file, save, applyPlan } = await saved('quickstart', { HDR: secret });
    await ws.edit('portal.yaml', 'key_names: [apikey]', 'key_names: [\'${{ env "HDR" }}\', x-api-key]');
    await save();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(secret);
    const strategy = JSON.parse(text).changes.find((c: { address: string }) => c.address === 'auth_strategy.key-auth');
    expect(strategy.env).toEqual({ 'key_names.0': '${{ env "HDR" }}' });
    expect(strategy.after.key_names).toEqual(['(sensitive)', 'x-api-key']);

    const unset = await applyPlan({});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toBe('error: the plan reads environment variables that are not set: HDR (nothing applied)\n');
    expect((await ws.live()).ofKind('auth_strategy')).toHaveLength(0);

    // A value that no longer seals to what the plan recorded is refused: what runs is what was reviewed.
    const other = await applyPlan({ HDR: 'another-header' });
    expect(other.code).toBe(3);
    expect(other.stderr).toBe('error: values from the environment changed since the plan was made: auth_strategy.key-auth key_names.0; plan again (nothing applied)\n');
    expect(other.stderr).not.toContain('another-header');
    expect((await ws.live()).ofKind('auth_strategy')).toHaveLength(0);

    expect((await applyPlan()).code).toBe(0);
    expect(await readFile(ws.state, 'utf8')).not.toContain(secret);
    expect((await cli(['plan', ws.config, '--state', ws.state, '--detailed-exitcode'], { HDR: secret })).code).toBe(0);
  });

  it('is one clear line for a file that is not a plan, a plan for another state, or mixed inputs', async () => {
    const { ws, file, save, applyPlan } = await saved('quickstart');
    await writeFile(file, '{"format_version": 2}');
    const notPlan = await applyPlan();
    expect(notPlan.code).toBe(1);
    expect(notPlan.stderr).toMatch(/^error: .*plan\.json: not a saved plan of this portalctl \(the document must have required property '\w+'\); make one with plan --out\n$/);

    await save();
    const elsewhere = await cli(['apply', '--plan', file, '--yes', '--state', join(ws.dir, 'other-state.json')]);
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toMatch(/^error: .*plan\.json was planned for the local backend ".*state\.json", not local ".*other-state\.json": nothing applied\n$/);

    const both = await cli(['apply', ws.config, '--plan', file, '--yes', '--state', ws.state]);
    expect(both.stderr).toBe('error: apply takes config paths or --plan FILE, not both\n');
    const neither = await cli(['apply', '--yes', '--state', ws.state]);
    expect(neither.stderr).toBe('error: apply needs config files or directories, or --plan FILE\n');
    const adopt = await applyPlan({}, '--adopt');
    expect(adopt.stderr).toBe('error: --adopt belongs to the plan: it was decided by plan --out, not by apply --plan\n');
    for (const r of [notPlan, elsewhere, both, neither, adopt]) expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses a plan of another format_version in one line saying to plan again (exit 1), applying nothing', async () => {
    const { ws, file, save, applyPlan } = await saved('quickstart');
    await save();
    const plan = JSON.parse(await readFile(file, 'utf8')) as { format_version: number; changes: { action: string; after: Record<string, unknown> | null; diff?: unknown[] }[] };
    // A plan as format_version 1 wrote it: every create's fields repeated in `diff`.
    const v1 = { ...plan, format_version: 1, changes: plan.changes.map((c) => ({ ...c, diff: c.diff ?? Object.entries(c.after ?? {}).map(([path, after]) => ({ path, after })) })) };
    for (const [version, text] of [[1, v1], [3, { ...plan, format_version: 3 }]] as const) {
      await writeFile(file, JSON.stringify(text));
      const r = await applyPlan();
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: ${file}: a plan of format_version ${version}, which this portalctl does not read (it reads 2); make the plan again with this portalctl (plan --out)\n`);
      expect(r.stdout).toBe('');
    }
    expect((await ws.live()).ofKind('application')).toHaveLength(0);
  });
});
