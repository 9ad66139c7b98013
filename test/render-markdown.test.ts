import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, renderPlanMarkdown } from '../src/render/markdown.js';
import type { Change, Plan } from '../src/types/plan.js';
import { cli, tempDir } from './helpers/cli.js';

function plan(changes: Change[], warnings: string[] = []): Plan {
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  return {
    format_version: 2,
    namespace: 'team-a',
    backend: { type: 'local', target: 'state.json' },
    summary: {
      create: count('create'),
      update: count('update'),
      replace: count('replace'),
      delete: changes.filter((c) => c.action === 'delete').reduce((n, c) => n + 1 + (c.cascade?.length ?? 0), 0),
      unchanged: 2,
    },
    changes,
    warnings,
  };
}

function change(action: Change['action'], kind: Change['kind'], key: string, extra: Partial<Change> = {}): Change {
  // format_version 2: only an update or replace has a `diff`; a create's fields are its `after`, a delete's its `before`.
  const diff = action === 'update' || action === 'replace' ? { diff: [] } : {};
  return { action, kind, address: `${kind}.${key}`, before: null, after: null, ...diff, fingerprint: null, ...extra };
}

const appDelete = (key: string) =>
  change('delete', 'application', key, {
    before: { name: key },
    cascade: [`registration.${key}/billing/v1`, `credential.${key}/ci`],
  });

const SMALL = plan(
  [
    change('create', 'application', 'mobile-banking', { after: { name: 'Mobile Banking' } }),
    change('update', 'product', 'billing', { diff: [{ path: 'description', before: 'Old', after: 'Invoices' }] }),
    change('update', 'registration', 'web/billing/v1', { diff: [{ path: 'status', before: 'approved', after: 'revoked' }] }),
    change('replace', 'auth_strategy', 'sso', { diff: [{ path: 'type', before: 'key_auth', after: 'openid_connect' }], replaced_by: ['type'] }),
    appDelete('legacy'),
    change('delete', 'credential', 'web/old-key', { before: { key: '(sensitive)' } }),
  ],
  ['product shared is owned by namespace team-b'],
);

describe('plan --format markdown', () => {
  it('renders a title with the counts, a warning naming every risky change, tables per kind and field diffs', () => {
    const md = renderPlanMarkdown(SMALL);
    expect(md.split('\n')[0]).toBe('## portalctl plan: 1 to create, 2 to update, 1 to replace, 4 to delete');
    const warning = md.slice(md.indexOf('> [!WARNING]'), md.indexOf('###'));
    expect(warning).toContain('access **revoked**: registration **web/billing/v1**');
    expect(warning).toContain('**replaced** auth_strategy **sso** (**type** cannot change)');
    expect(warning).toContain('**deleted** application **legacy**, and with it registration **legacy/billing/v1**, credential **legacy/ci**');
    expect(warning).toContain('**deleted** credential **web/old-key**');
    expect(warning).not.toContain('mobile-banking');
    // One table per kind, in the order the plan first touches the kind.
    expect([...md.matchAll(/^### (\w+) \((\d+)\)$/gm)].map((m) => `${m[1]}:${m[2]}`)).toEqual([
      'application:2',
      'product:1',
      'registration:1',
      'auth_strategy:1',
      'credential:1',
    ]);
    expect(md).toContain('| 🟡 | update (**revoked**) | web/billing/v1 | status |');
    expect(md).toContain('| 🔴 | delete | legacy | and 1 registration, 1 credential with it |');
    // Field diffs, one collapsible block per change, values as the text renderer shows them.
    expect(md.match(/<details>/g)).toHaveLength(7); // 6 changes and the notes
    expect(md.match(/<\/details>/g)).toHaveLength(7);
    expect(md).toContain('<details><summary>update product billing</summary>\n\n| field | before | after |\n|---|---|---|\n| description | "Old" | "Invoices" |');
    expect(md).toContain('| key | "(sensitive)" | (none) |');
    expect(md).toContain('- product shared is owned by namespace team-b');
    expect(md).not.toContain('Left out');
  });

  it("shows a credential rotation's note in its row: which generation, and when the previous one goes", () => {
    const rotation = 'generation 2 of credential.app/ci (generation raised to 2); generation 1 (credential.app/ci) stays valid until 2030-01-02 00:00Z';
    const out = renderPlanMarkdown(plan([change('create', 'credential', 'app/ci@2', { rotation }), change('delete', 'credential', 'app/old', { rotation: 'generation 1 of credential.app/old, retired' })]));
    expect(out).toContain(`| 🟢 | create | app/ci@2 | rotation: ${rotation} |`);
    expect(out).toContain('| 🔴 | delete | app/old | rotation: generation 1 of credential.app/old, retired |');
    expect(out).toContain('- **deleted** credential **app/old**');
  });

  it('has no warning block when nothing is deleted, replaced or revoked', () => {
    const md = renderPlanMarkdown(plan([change('create', 'product', 'billing', { after: { name: 'billing' } })]));
    expect(md).not.toContain('[!WARNING]');
    expect(md).toContain('## portalctl plan: 1 to create, 0 to update, 0 to delete');
  });

  it('escapes pipes, backticks, newlines and HTML in user text', () => {
    const md = renderPlanMarkdown(
      plan([
        change('update', 'application', 'a|b', {
          diff: [{ path: 'description', before: 'one | two', after: 'line1\nline2 `code` <script>' }],
        }),
      ]),
    );
    expect(md).toContain('| 🟡 | update | a\\|b | description |');
    expect(md).toContain('| description | "one \\| two" | "line1\\\\nline2 \\`code\\` &lt;script&gt;" |');
    expect(md).toContain('<summary>update application a|b</summary>');
    // A raw newline inside a value becomes <br>, and no table row is broken by user text.
    const raw = renderPlanMarkdown(plan([change('update', 'application', 'x', { diff: [{ path: 'a\nb', before: 1, after: 2 }] })]));
    expect(raw).toContain('| a<br>b | 1 | 2 |');
    for (const row of md.split('\n').filter((l) => l.startsWith('| ')))
      expect(row.replace(/\\\|/g, '').split('|').length).toBe(row.startsWith('| field') || row.startsWith('| description') ? 5 : 6);
  });

  it('fits 5,000 changes with 300 application deletions in one comment, naming every deletion', () => {
    const changes: Change[] = [];
    for (let i = 0; i < 2_700; i++)
      changes.push(change('create', 'application', `app-${i}`, { after: { name: `Application ${i}`, description: 'x'.repeat(40) } }));
    for (let i = 0; i < 2_000; i++)
      changes.push(change('update', 'registration', `app-${i}/billing/v1`, { diff: [{ path: 'labels.team', before: 'a', after: 'b' }] }));
    for (let i = 0; i < 300; i++) changes.push(appDelete(`gone-${i}`));
    const md = renderPlanMarkdown(plan(changes));
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    const warning = md.slice(md.indexOf('> [!WARNING]'), md.indexOf('###'));
    for (let i = 0; i < 300; i++) expect(warning).toContain(`application **gone-${i}**`);
    expect(md).toMatch(/Left out to fit one GitHub comment \(65,536 characters\): the field diffs of \d+ changes; the names of 4700 /);
    expect(md).toContain('*2700 applications*');
    expect(md).toContain('*2000 registrations*');
    // Blocks are whole: every <details> is closed.
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  });

  it('lists deletions compactly when their full lines alone would overflow, still naming each', () => {
    // 1,000 deletions with long keys and 4 objects taken along each: far past one comment as a line each.
    const changes = Array.from({ length: 1_000 }, (_, i) =>
      change('delete', 'application', `a-long-application-reference-id-${i}`, { cascade: ['registration', 'credential', 'registration', 'credential'].map((k, j) => `${k}.x${i}-${j}`) }),
    );
    const md = renderPlanMarkdown(plan(changes));
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const list = md.split('\n').find((l) => l.startsWith('> - **deleted application** (1000, taking along 2000 registrations, 2000 credentials): '));
    expect(list).toBeDefined();
    expect(list!.slice(list!.indexOf('): ') + 3).split(', ')).toEqual(changes.map((c) => c.address.slice('application.'.length)));
    expect(md).toContain('the names of the objects deletes take along (counted per kind)');
    expect(md).toContain('Left out to fit one GitHub comment');
  });

  it('when even the names of the deletions exceed a comment, names as many as fit and says how many it did not', () => {
    const changes = Array.from({ length: 3_000 }, (_, i) => change('delete', 'credential', `${'k'.repeat(40)}-${i}`));
    const md = renderPlanMarkdown(plan(changes));
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const named = (md.match(/^> - /gm) ?? []).length;
    expect(named).toBeGreaterThan(500);
    expect(md).toContain(`the names of ${3_000 - named} more deletions, replacements or revocations`);
  });

  it('is what `plan --format markdown` prints', async () => {
    const dir = await tempDir();
    const r = await cli(['plan', 'examples/quickstart', '--format', 'markdown', '--state', join(dir, 'state.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('## portalctl plan: 6 to create, 0 to update, 0 to delete');
    expect(r.stdout).toContain('<details><summary>create application mobile-banking</summary>');
  });
});
