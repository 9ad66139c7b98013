import { describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, renderPlanMarkdown } from '../src/render/markdown.js';
import type { Change, Plan } from '../src/types/plan.js';

function change(action: Change['action'], kind: Change['kind'], key: string, extra: Partial<Change> = {}): Change {
  // format_version 2: only an update or replace has a `diff`; a create's fields are its `after`, a delete's its `before`.
  const diff = action === 'update' || action === 'replace' ? { diff: [] } : {};
  return { action, kind, address: `${kind}.${key}`, before: null, after: null, ...diff, fingerprint: null, ...extra };
}

/** A plan --base: `origin` on every change and the counts per origin. */
function basePlan(changes: Change[]): Plan {
  const counts = (origin: string) => {
    const of = changes.filter((c) => c.origin === origin);
    const n = (a: Change['action']) => of.filter((c) => c.action === a).length;
    return { create: n('create'), update: n('update'), replace: n('replace'), delete: of.filter((c) => c.action === 'delete').reduce((s, c) => s + 1 + (c.cascade?.length ?? 0), 0) };
  };
  const change_ = counts('change');
  const drift = counts('drift');
  return {
    format_version: 2,
    namespace: 'team-a',
    backend: { type: 'local', target: 'state.json' },
    summary: { create: change_.create + drift.create, update: change_.update + drift.update, replace: 0, delete: change_.delete + drift.delete, unchanged: 0 },
    changes,
    warnings: [],
    base: { ref: 'origin/main', commit: 'a'.repeat(40), errors: 0, change: change_, drift },
  };
}

describe('plan --base --format markdown', () => {
  it('fits 5,000 changes, half of them drift, with 300 deletions of each origin in one comment, naming every deletion and labelling drift', () => {
    const changes: Change[] = [];
    for (let i = 0; i < 2_200; i++)
      changes.push(change('create', 'application', `app-${i}`, { origin: i % 2 === 0 ? 'change' : 'drift', source: { file: 'config/apps.yaml', line: i + 1 }, after: { name: `Application ${i}` } }));
    for (let i = 0; i < 2_200; i++)
      changes.push(change('update', 'registration', `app-${i}/billing/v1`, { origin: 'drift', diff: [{ path: 'labels.team', before: 'a', after: 'b', drift: true }] }));
    for (let i = 0; i < 300; i++) changes.push(change('delete', 'application', `gone-${i}`, { origin: 'change', source: { file: 'config/apps.yaml', line: i + 1, ref: 'origin/main' }, cascade: [`registration.gone-${i}/billing/v1`] }));
    for (let i = 0; i < 300; i++) changes.push(change('delete', 'application', `rogue-${i}`, { origin: 'drift' }));
    const md = renderPlanMarkdown(basePlan(changes));
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    const warning = md.slice(md.indexOf('> [!WARNING]'), md.indexOf('###'));
    for (let i = 0; i < 300; i++) expect(warning).toMatch(new RegExp(`\\bgone-${i}\\b`));
    for (let i = 0; i < 300; i++) expect(warning).toMatch(new RegExp(`\\brogue-${i}\\b`));
    expect(warning).toContain('> - **deleted** application **rogue-0** *(drift)*\n');
    expect(warning).toContain('> - **deleted** application **gone-0**, and with it registration **gone-0/billing/v1**\n');
    expect(md).toContain('### This change (vs **origin/main**): 1100 to create, 0 to update, 600 to delete');
    expect(md).toContain('### ⚠️ Drift: the portal differs from **origin/main** (changed outside git): 1100 to create, 2200 to update, 300 to delete');
    expect(md).toContain('Left out to fit one GitHub comment');
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  });

  it('deletions listed compactly keep drift apart: a group of its own', () => {
    // Too many for a line each, few enough for the compact list.
    const long = 'an-application-reference-';
    const changes = [
      ...Array.from({ length: 600 }, (_, i) => change('delete', 'application', `${long}${i}`, { origin: 'change' })),
      ...Array.from({ length: 600 }, (_, i) => change('delete', 'application', `${long}rogue-${i}`, { origin: 'drift' })),
    ];
    const md = renderPlanMarkdown(basePlan(changes));
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const groups = md.split('\n').filter((l) => l.startsWith('> - **deleted application'));
    expect(groups.map((l) => l.slice(0, l.indexOf(':')))).toEqual(['> - **deleted application** (600)', '> - **deleted application, drift** (600)']);
    const keys = (origin: string) => changes.filter((c) => c.origin === origin).map((c) => c.address.slice('application.'.length));
    expect(groups.map((l) => l.slice(l.indexOf('): ') + 3).split(', '))).toEqual([keys('change'), keys('drift')]);
  });

  it('a small plan: both sections with their tables, every detail with where it is declared', () => {
    const md = renderPlanMarkdown(
      basePlan([
        change('update', 'product', 'billing', {
          origin: 'change',
          source: { file: 'config/portal.yaml', line: 7, blame: { commit: 'b'.repeat(40), author: 'Bob Brown', date: '2026-02-10T16:45:00-05:00' } },
          diff: [{ path: 'description', before: 'a', after: 'b' }, { path: 'labels.team', before: 'x', after: 'y', drift: true }],
        }),
        change('delete', 'application', 'rogue', { origin: 'drift' }),
      ]),
    );
    expect(md).toContain('Compared with **origin/main** (`aaaaaaaaaaaa`): 1 introduced by this change, 1 drift.');
    expect(md).toContain('### This change (vs **origin/main**): 0 to create, 1 to update, 0 to delete\n\n#### product (1)');
    expect(md).toContain('*Not part of this change: apply puts these back as **origin/main** has them.*\n\n#### application (1)');
    expect(md).toContain('Declared at config/portal.yaml:7 (bbbbbbb Bob Brown, 2026-02-10)');
    expect(md).toContain('| labels.team *(drift)* | "x" | "y" |');
    expect(md).toContain('| description | "a" | "b" |');
    expect(md).toContain('<details><summary>drift: delete application rogue</summary>');
  });
});
