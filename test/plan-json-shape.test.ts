import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validate as generatedPlanValidator } from '../src/plan/validate-plan.generated.js';
import type { Change, Plan } from '../src/types/plan.js';
import { workspace } from './helpers/workspace.js';

const validPlan = generatedPlanValidator as ValidateFunction<Plan>;

/** The quickstart applied, then edited: one update, one create, one delete. */
async function planOfEachAction() {
  const ws = await workspace('quickstart');
  expect((await ws.apply()).code).toBe(0);
  await ws.edit('portal.yaml', 'description: Invoices and payments', 'description: Invoices');
  await ws.edit('portal.yaml', '      - name: ci', '      - name: deploy');
  const r = await ws.run('plan', '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Plan;
}

describe('plan JSON, format_version 2', () => {
  it('lists the changed fields of an update only: a create shows its fields in `after`, a delete in `before`, without repeating them', async () => {
    const plan = await planOfEachAction();
    expect(plan.format_version).toBe(2);
    expect(validPlan(plan), JSON.stringify(validPlan.errors)).toBe(true);
    const byAction = (action: Change['action']) => plan.changes.filter((c) => c.action === action);
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual(['update product.billing', 'create credential.mobile-banking/deploy', 'delete credential.mobile-banking/ci']);
    const [update] = byAction('update');
    expect(update!.diff).toEqual([{ path: 'description', before: 'Invoices and payments', after: 'Invoices' }]);
    const [create] = byAction('create');
    expect(create).not.toHaveProperty('diff');
    expect(create!.before).toBeNull();
    expect(create!.after).toEqual({ application: 'mobile-banking', name: 'deploy', protected: false });
    const [remove] = byAction('delete');
    expect(remove).not.toHaveProperty('diff');
    expect(remove!.after).toBeNull();
    expect(remove!.before).toMatchObject({ application: 'mobile-banking', name: 'ci', protected: false });
  });

  it('is refused by the schema with a `diff` on a create or delete, or without one on an update or replace', async () => {
    const plan = await planOfEachAction();
    const withChange = (i: number, edit: (c: Change) => Change): Plan => ({ ...plan, changes: plan.changes.map((c, j) => (j === i ? edit(c) : c)) });
    const index = (action: Change['action']) => plan.changes.findIndex((c) => c.action === action);
    expect(validPlan(withChange(index('create'), (c) => ({ ...c, diff: [{ path: 'name', after: 'deploy' }] })))).toBe(false);
    expect(validPlan(withChange(index('delete'), (c) => ({ ...c, diff: [] })))).toBe(false);
    expect(validPlan(withChange(index('update'), ({ diff: _, ...c }) => c))).toBe(false);
    expect(validPlan(withChange(index('update'), (c) => ({ ...c, action: 'replace' })))).toBe(true);
    expect(validPlan(withChange(index('update'), ({ diff: _, ...c }) => ({ ...c, action: 'replace' })))).toBe(false);
    expect(validPlan({ ...plan, format_version: 1 })).toBe(false);
  });
});
