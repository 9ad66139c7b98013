import { describe, expect, it } from 'vitest';
import { renderPlanJson, renderPlanJsonParts } from '../src/render/json.js';
import type { Change, Plan } from '../src/types/plan.js';

function plan(changes: number, extra: Partial<Plan> = {}): Plan {
  const list: Change[] = Array.from({ length: changes }, (_, i) => ({
    action: i % 3 === 0 ? 'update' : 'create',
    kind: 'application',
    address: `application.app-${i}`,
    before: i % 3 === 0 ? { name: `old "${i}"`, labels: { team: 'a\nb' }, protected: false } : null,
    after: { name: `App ${i}`, description: 'ünïcode ☃ \u2028', labels: {}, key_names: [], protected: false },
    ...(i % 3 === 0 && { diff: [{ path: 'name', before: `old "${i}"`, after: `App ${i}` }] }),
    fingerprint: i % 3 === 0 ? 'abcdef0123456789' : null,
    source: { file: 'apps.yaml', line: i + 1 },
    ...(i % 2 === 0 && { depends_on: ['auth_strategy.key-auth'] }),
  }));
  return {
    format_version: 2,
    namespace: 'team-a',
    backend: { type: 'local', target: 'state.json' },
    summary: { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 },
    changes: list,
    warnings: changes > 0 ? ['one', 'two'] : [],
    ...extra,
  };
}

describe('plan JSON in parts', () => {
  it('joins to exactly the text of the whole plan, at any number of changes and parts', () => {
    const base = { ref: 'origin/main', commit: 'a'.repeat(40), errors: 0, change: { create: 1, update: 0, replace: 0, delete: 0 }, drift: { create: 0, update: 0, replace: 0, delete: 0 } };
    for (const [n, per] of [[0, 500], [1, 500], [2, 1], [7, 3], [1001, 500], [1000, 500]] as const) {
      for (const p of [plan(n), plan(n, { base, metadata: { requests: 3, retried: 0 }, applied: undefined })]) {
        const parts = [...renderPlanJsonParts(p, per)];
        expect(parts.join('')).toBe(renderPlanJson(p));
        if (n > per) expect(parts.length).toBeGreaterThan(n / per);
      }
    }
  });
});
