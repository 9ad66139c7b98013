import { describeApplied } from './applied.js';
import type { Change, FieldDiff, Plan } from '../types/plan.js';
import { shownFields } from '../plan/fields.js';
import { countByKind, formatValue, REISSUE } from './text.js';
import { countsPhrase, declaredAt, originGroups } from './attribution.js';

/** GitHub's limit for one issue or pull-request comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/** Room kept for the note that says what was left out. */
const NOTE_ROOM = 1_000;

/**
 * How much of the plan is spelled out, from most to least. A plan that does not fit one comment
 * steps down this list: field diffs go first (block by block, from the end), then create and update
 * rows become counts per kind, then every row does (the warning block still names each deletion),
 * then the warning block lists deletions compactly (keys only, what each takes along named
 * after it), then counts what each takes along. Only when the names of the deletions and
 * revocations alone exceed a comment is the list cut, between two names, saying how many were not.
 */
const LEVELS = [
  { warnings: 'full', rows: 'all' },
  { warnings: 'full', rows: 'risky' },
  { warnings: 'full', rows: 'none' },
  { warnings: 'compact', rows: 'none' },
  { warnings: 'counted', rows: 'none' },
] as const;

type WarningStyle = (typeof LEVELS)[number]['warnings'];
type RowStyle = (typeof LEVELS)[number]['rows'];

const ACTION_WORD = { create: 'create', update: 'update', replace: 'replace', delete: 'delete' } as const;
const ACTION_ICON = { create: '🟢', update: '🟡', replace: '🔴', delete: '🔴' } as const;

/** The plan as a GitHub pull-request comment: title, warnings, changes per kind, field diffs; at most `limit` characters. */
export function renderPlanMarkdown(plan: Plan, limit = COMMENT_LIMIT): string {
  const head = title(plan);
  const alerts = plan.changes.filter(isRisky);
  const details = [...notesBlock(plan.warnings), ...plan.changes.map(detailsBlock)];
  for (const level of LEVELS) {
    const body = [head, warningBlock(alerts, level.warnings), changeSections(plan, level.rows)].filter((s) => s !== '').join('\n');
    if (body.length + NOTE_ROOM > limit) continue;
    let size = body.length;
    let kept = 0;
    for (const block of details) {
      if (size + block.length + 1 + NOTE_ROOM > limit) break;
      size += block.length + 1;
      kept++;
    }
    const shown = details.slice(0, kept);
    const note = leftOutNote(plan, level.rows, level.warnings, details.length - kept);
    return [body, ...shown, ...(note === '' ? [] : [note])].join('\n');
  }
  return lastResort(plan, head, alerts, limit);
}

/** Deleted, replaced, or access revoked or rejected: what a reviewer must see by name. */
function isRisky(change: Change): boolean {
  return change.action === 'delete' || change.action === 'replace' || revokes(change) !== undefined;
}

/** `revoked` or `rejected` when the change sets a registration's status to it. */
function revokes(change: Change): string | undefined {
  if (change.kind !== 'registration' || change.action === 'delete') return undefined;
  // A create's fields are its `after` (the plan has no `diff` for it).
  const status = change.action === 'create' ? (change.after as { status?: unknown } | null)?.status : change.diff?.find((d) => d.path === 'status')?.after;
  return status === 'revoked' || status === 'rejected' ? status : undefined;
}

function title(plan: Plan): string {
  const s = plan.summary;
  const line = countsPhrase(s, plan.changes.length);
  const drift = plan.changes.filter((c) => c.origin === 'drift').length;
  const base = plan.base === undefined ? '' : ` Compared with ${inline(plan.base.ref)} (\`${plan.base.commit.slice(0, 12)}\`): ${plan.changes.length - drift} introduced by this change, ${drift} drift.`;
  const made = plan.source_commit === undefined ? '' : ` Made from commit \`${plan.source_commit.commit.slice(0, 12)}\`${plan.source_commit.dirty ? ' with uncommitted changes' : ''}.`;
  const applied = plan.applied === undefined ? '' : ` Last applied: \`${describeApplied(plan.applied)}\`.`;
  return `## portalctl plan: ${line}\n\nNamespace ${inline(plan.namespace)} on the ${plan.backend.type} backend; ${s.unchanged} unchanged.${base}${made}${applied}\n`;
}

function key(change: Change): string {
  return change.address.slice(change.kind.length + 1);
}

/** `kind key` for an address `kind.key`. */
function spoken(address: string): string {
  const dot = address.indexOf('.');
  return dot < 0 ? inline(address) : `${address.slice(0, dot)} ${inline(address.slice(dot + 1))}`;
}

function warningLine(change: Change, style: WarningStyle): string {
  if (style !== 'full') {
    // Compact: the key alone, what it takes along named after it (counted per group instead when 'counted').
    const taken = style === 'compact' && change.cascade?.length ? ` (with ${change.cascade.map(cell).join(', ')})` : '';
    return cell(key(change)) + taken;
  }
  const status = revokes(change);
  const what =
    status === 'revoked' ? 'access **revoked**:' : status === 'rejected' ? 'access **rejected**:' : change.action === 'replace' ? '**replaced**' : '**deleted**';
  let tail = '';
  if (change.action === 'replace' && change.replaced_by?.length) tail = ` (${change.replaced_by.map(inline).join(', ')} cannot change)`;
  if (change.reissue) tail = ` (${REISSUE})`;
  if (change.cascade?.length) tail += `, and with it ${change.cascade.map(spoken).join(', ')}`;
  return `> - ${what} ${change.kind} ${inline(key(change))}${tail}${change.origin === 'drift' ? ' *(drift)*' : ''}`;
}

function groupLabel(change: Change): string {
  const status = revokes(change);
  const label = status !== undefined ? `access ${status}, ${change.kind}` : `${change.action === 'replace' ? 'replaced' : 'deleted'} ${change.kind}`;
  return change.origin === 'drift' ? `${label}, drift` : label;
}

const WARNING_HEADER = (n: number) => `> [!WARNING]\n> This plan deletes, replaces or revokes access to ${n} object${n === 1 ? '' : 's'}:`;

/** A GitHub WARNING alert naming each deletion, replacement and revocation: a line each, or one comma-separated line per kind and effect. */
function warningBlock(alerts: readonly Change[], style: WarningStyle): string {
  if (alerts.length === 0) return '';
  if (style === 'full') return [WARNING_HEADER(alerts.length), ...alerts.map((c) => warningLine(c, style))].join('\n') + '\n';
  const groups = new Map<string, Change[]>();
  for (const c of alerts) groups.set(groupLabel(c), [...(groups.get(groupLabel(c)) ?? []), c]);
  const lines = [...groups].map(([label, list]) => {
    const taken = list.flatMap((c) => c.cascade ?? []);
    const along = style === 'counted' && taken.length > 0 ? `, taking along ${countByKind(taken)}` : '';
    return `> - **${label}** (${list.length}${along}): ${list.map((c) => warningLine(c, style)).join(', ')}`;
  });
  return [WARNING_HEADER(alerts.length), ...lines].join('\n') + '\n';
}

/**
 * The change tables; for a plan --base, in two sections: what this change introduces, and drift
 * (the portal differs from the base: changed outside git), each with its counts and tables.
 */
function changeSections(plan: Plan, rows: RowStyle): string {
  if (plan.base === undefined) return changeTables(plan.changes, rows, '###');
  const ref = inline(plan.base.ref);
  const { change, drift } = originGroups(plan.changes, plan.base);
  return [
    `### This change (vs ${ref}): ${countsPhrase(change.counts, change.changes.length)}\n`,
    changeTables(change.changes, rows, '####'),
    `### ⚠️ Drift: the portal differs from ${ref} (changed outside git): ${countsPhrase(drift.counts, drift.changes.length)}\n`,
    ...(drift.changes.length > 0 ? [`*Not part of this change: apply puts these back as ${ref} has them.*\n`] : []),
    changeTables(drift.changes, rows, '####'),
  ].join('\n');
}

/** One table per kind: every row, rows of risky changes only with the rest counted, or counts only. */
function changeTables(changes: readonly Change[], rows: RowStyle, heading: string): string {
  const byKind = new Map<string, Change[]>();
  for (const c of changes) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const out: string[] = [];
  for (const [kind, list] of byKind) {
    out.push(`${heading} ${kind} (${list.length})\n`, '| | action | object | fields |', '|---|---|---|---|');
    const listed = rows === 'all' ? list : rows === 'risky' ? list.filter(isRisky) : [];
    for (const c of listed) out.push(`| ${ACTION_ICON[c.action]} | ${actionText(c)} | ${cell(key(c))} | ${fieldsCell(c)} |`);
    const rest = list.filter((c) => !listed.includes(c));
    for (const action of ['create', 'update', 'replace', 'delete'] as const) {
      const n = rest.filter((c) => c.action === action).length;
      if (n > 0) out.push(`| ${ACTION_ICON[action]} | ${action} | *${n} ${kind}${n === 1 ? '' : 's'}* | |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function actionText(change: Change): string {
  const status = revokes(change);
  return status !== undefined ? `${ACTION_WORD[change.action]} (**${status}**)` : ACTION_WORD[change.action];
}

function fieldsCell(change: Change): string {
  if (change.action === 'update' || change.action === 'replace') {
    const fields = (change.diff ?? []).map((d) => cell(d.path)).join(', ') + (change.access === undefined ? '' : ` (access: ${cell(change.access)})`);
    if (change.reissue) return `${fields}${fields === '' ? '' : ' '}(${REISSUE})`;
    return change.replaced_by?.length ? `${fields} (${change.replaced_by.map(cell).join(', ')} cannot change)` : fields;
  }
  if (change.action === 'delete' && change.cascade?.length) return `and ${countByKind(change.cascade)} with it`;
  // A new registration: the status it will get (what a reviewer checks).
  if (change.access !== undefined) return `access: ${cell(change.access)}`;
  // A credential's rotation: which generation, and when the previous one goes.
  if (change.rotation !== undefined) return `rotation: ${cell(change.rotation)}`;
  return '';
}

/**
 * A collapsible block of one change's field diffs, values as the text renderer shows them, with
 * where the change is declared; in a change that is introduced, the fields that drifted say so.
 */
function detailsBlock(change: Change): string {
  const origin = change.origin === 'drift' ? 'drift: ' : '';
  const lines = [`<details><summary>${origin}${change.action} ${change.kind} ${html(key(change))}</summary>`, ''];
  if (change.source !== undefined) lines.push(`Declared at ${cell(declaredAt(change.source))}`, '');
  lines.push('| field | before | after |', '|---|---|---|');
  const drift = (d: FieldDiff) => (d.drift && change.origin === 'change' ? ' *(drift)*' : '');
  for (const d of shownFields(change)) lines.push(`| ${cell(d.path)}${drift(d)} | ${cell(formatValue(d.before))} | ${cell(formatValue(d.after))} |`);
  for (const taken of change.cascade ?? []) lines.push(`| *(deleted with it)* | ${cell(taken)} | (none) |`);
  lines.push('', '</details>');
  return lines.join('\n');
}

function notesBlock(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  return [[`<details><summary>Notes: ${warnings.length} left alone</summary>`, '', ...warnings.map((w) => `- ${cell(w)}`), '', '</details>'].join('\n')];
}

function leftOutNote(plan: Plan, rows: RowStyle, warnings: WarningStyle, droppedDetails: number): string {
  const left: string[] = [];
  if (droppedDetails > 0) left.push(`the field diffs of ${droppedDetails} change${droppedDetails === 1 ? '' : 's'}`);
  if (rows !== 'all') {
    const counted = plan.changes.filter((c) => rows === 'none' || !isRisky(c)).length;
    if (counted > 0) left.push(`the names of ${counted} ${rows === 'none' ? 'changes' : 'creates and updates'} (counted per kind in the tables)`);
  }
  if (warnings === 'counted') left.push('the names of the objects deletes take along (counted per kind)');
  if (left.length === 0) return '';
  return `\n---\n*Left out to fit one GitHub comment (${COMMENT_LIMIT.toLocaleString('en-US')} characters): ${left.join('; ')}. Every deletion, replacement and revocation is named above. \`portalctl plan --format json\` prints the whole plan.*\n`;
}

/** The names of the deletions and revocations alone exceed a comment: as many as fit, then how many did not. */
function lastResort(plan: Plan, head: string, alerts: readonly Change[], limit: number): string {
  const lines = [head, WARNING_HEADER(alerts.length)];
  let size = lines.join('\n').length;
  let named = 0;
  for (const c of alerts) {
    const line = `> - ${groupLabel(c)} ${warningLine(c, 'counted')}`;
    if (size + line.length + 1 + NOTE_ROOM > limit) break;
    lines.push(line);
    size += line.length + 1;
    named++;
  }
  lines.push(
    '',
    `---\n*Left out to fit one GitHub comment (${COMMENT_LIMIT.toLocaleString('en-US')} characters): the names of ${alerts.length - named} more deletions, replacements or revocations (their names alone exceed a comment), the objects deletes take along, ${plan.changes.length} table rows and every field diff. \`portalctl plan --format json\` prints the whole plan.*\n`,
  );
  return lines.join('\n');
}

/** User text for inside HTML (a `<summary>`), where markdown is not read: one line. */
function html(text: string): string {
  return escapeHtml(text).replace(/\r?\n|\r/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text for a markdown table cell or list item: one line (newlines become `<br>`), no pipe, no markdown or HTML of its own. */
export function cell(text: string): string {
  return escapeHtml(text)
    .replace(/\\/g, '\\\\')
    .replace(/[|`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/\r?\n|\r/g, '<br>');
}

/** User text as a name in running text: bold, escaped. */
function inline(text: string): string {
  return `**${cell(text)}**`;
}
