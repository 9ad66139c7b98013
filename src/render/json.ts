import type { Plan } from '../types/plan.js';

/** The plan JSON of schemas/plan.schema.json. */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
