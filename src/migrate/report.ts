import type { Outcome } from '../apply/executor.js';
import { formatPos } from '../diagnostics/problems.js';
import { KINDS, type Kind } from '../model/kind.js';
import { SPECS } from '../model/kinds/index.js';
import type { DesiredState } from '../model/state.js';
import { cell } from '../render/markdown.js';
import type { Plan } from '../types/plan.js';
import type { ConvertedConfig } from './convert-config.js';
import { UNREADABLE_KEYS, type SourceBackend } from './source.js';

/** Everything a migration found out, for the report file and the summary on standard output. */
export interface MigrationFacts {
  from: SourceBackend;
  to: string;
  /** The target portal (backend target). */
  target: string;
  sources: readonly string[];
  out: string;
  written: readonly string[];
  namespace: string;
  /** The source config, loaded and validated. */
  source: DesiredState;
  converted: ConvertedConfig;
  /** The source's `portal`, which names a portal of the source (left out of the converted config). */
  droppedPortal?: string;
  /** What was left alone or is worth knowing (load warnings, the plan's warnings, a dump without header). */
  notes: readonly string[];
  plan?: Plan;
  /** Why the plan or the apply stopped, one line each. */
  stopped?: readonly string[];
  /** Present after --apply ran the plan. */
  applied?: { outcomes: readonly Outcome[]; total: number; credentialsFile?: string };
}

/** An application of the source whose credentials get new keys on the target. */
export interface KeysToReissue {
  application: string;
  credentials: string[];
}

/** A registration the target would not give its status by itself: the apply sets it through the admin API. */
export interface AdminStatus {
  address: string;
  status: string;
  /** What the version gives a new registration by itself. */
  byItself: 'approved' | 'pending';
}

export function keysToReissue(source: DesiredState): KeysToReissue[] {
  const byApp = new Map<string, string[]>();
  for (const c of source.state.ofKind('credential')) {
    const names = byApp.get(c.attrs.application) ?? [];
    names.push(c.attrs.name);
    byApp.set(c.attrs.application, names);
  }
  return [...byApp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([application, credentials]) => ({ application, credentials: credentials.sort() }));
}

/** Registrations whose declared status is not the one their version's auto-approve gives a new registration. */
export function adminStatuses(source: DesiredState): AdminStatus[] {
  const found: AdminStatus[] = [];
  for (const r of source.state.ofKind('registration')) {
    const status = r.attrs.status;
    if (status === undefined) continue; // left to the version: nothing to set
    const version = source.state.getOf('product_version', `${r.attrs.product}/${r.attrs.version}`);
    const byItself = version?.attrs.registration?.auto_approve === true ? 'approved' : 'pending';
    if (status !== byItself) found.push({ address: r.address, status, byItself });
  }
  return found.sort((a, b) => (a.address < b.address ? -1 : 1));
}

/** The migration report (markdown): what carries over, what cannot, and what the user must do. */
export function renderReport(facts: MigrationFacts): string {
  const keys = keysToReissue(facts.source);
  const statuses = adminStatuses(facts.source);
  const { dropped, owners } = facts.converted;
  // A credential the target already holds (an earlier migration made it) keeps the key it was given then.
  const made = new Set(facts.plan?.changes.filter((c) => c.kind === 'credential' && c.action !== 'delete').map((c) => c.address) ?? []);
  const lines: string[] = [
    `# Migration from ${facts.from} to ${facts.to}`,
    '',
    `- Source: ${facts.sources.map(code).join(', ')} (dumped from ${facts.from})`,
    `- Target: ${facts.to} ${code(facts.target)}, namespace ${code(facts.namespace)}`,
    `- Converted config: ${facts.written.map(code).join(', ')}`,
    `- ${outcomeText(facts)}`,
    '',
    '## What carries over',
    '',
    '| kind | in the source | to create | to update | to replace | to delete |',
    '|---|---:|---:|---:|---:|---:|',
    ...KINDS.map((kind) => {
      const n = (action: string) => facts.plan?.changes.filter((c) => c.kind === kind && c.action === action).length ?? 0;
      return `| ${plural(kind)} | ${facts.source.state.ofKind(kind).length} | ${n('create')} | ${n('update')} | ${n('replace')} | ${n('delete')} |`;
    }),
    '',
    `## Keys to re-issue (${keys.length} ${keys.length === 1 ? 'application' : 'applications'})`,
    '',
    `Credentials cannot be copied: ${UNREADABLE_KEYS[facts.from]}. The apply creates each credential anew on the target, and ` +
      'writes the new keys to `--credentials-out`; hand them to the teams of these applications and retire the old keys with the old portal.',
    '',
    ...(keys.length === 0
      ? ['None: no application of the source has credentials.']
      : [
          '| application | credentials | new keys in this plan |',
          '|---|---|---:|',
          ...keys.map((k) => `| ${cell(k.application)} | ${k.credentials.map(cell).join(', ')} | ${k.credentials.filter((name) => made.has(`credential.${k.application}/${name}`)).length} |`),
        ]),
    '',
    `## Fields the target cannot hold (${dropped.length})`,
    '',
    ...(dropped.length === 0
      ? [`None: everything the source declares fits the ${facts.to} backend.`]
      : [
          `Left out of the converted config (the ${facts.to} backend has no place for them):`,
          '',
          '| source | object | field | value |',
          '|---|---|---|---|',
          ...dropped.map((d) => `| ${cell(formatPos(d.at))} | ${cell(d.address)} | ${cell(d.field)} | ${cell(d.shown)} |`),
        ]),
    '',
    `## Owners that do not carry over (${owners.length})`,
    '',
    ...(owners.length === 0
      ? ['None.']
      : [
          `An owner on ${facts.from} is an account of that portal (classic: always its session developer). These are left out, so the ` +
            `${facts.to} backend's default applies (the developer of the session, \`KONNECT_PORTAL_EMAIL\`):`,
          '',
          '| source | application | owner |',
          '|---|---|---|',
          ...owners.map((o) => `| ${cell(formatPos(o.at))} | ${cell(o.address)} | ${cell(`${o.owner.type} ${o.owner.name}`)} |`),
        ]),
    '',
    `## Registrations whose status needs an admin (${statuses.length})`,
    '',
    ...(statuses.length === 0
      ? ['None: every registration gets its status from its version by itself.']
      : [
          'A new registration is approved when its version auto-approves, else pending. These keep their status from the source: ' +
            'the apply creates each, then sets its status through the admin API.',
          '',
          '| registration | status | by itself |',
          '|---|---|---|',
          ...statuses.map((s) => `| ${cell(s.address)} | ${s.status} | ${s.byItself} |`),
        ]),
    '',
  ];
  if (facts.droppedPortal !== undefined || facts.notes.length > 0) {
    lines.push('## Notes', '');
    if (facts.droppedPortal !== undefined) lines.push(`- ${cell(`the source's portal "${facts.droppedPortal}" names a portal of ${facts.from}: left out (--portal names the target's)`)}`);
    for (const note of facts.notes) lines.push(`- ${cell(note)}`);
    lines.push('');
  }
  if (facts.stopped !== undefined && facts.stopped.length > 0) {
    lines.push('## What stops the plan', '', ...facts.stopped.map((s) => `- ${cell(s)}`), '');
  }
  return lines.join('\n');
}

/** The short summary on standard output. */
export function summaryText(facts: MigrationFacts): string[] {
  const keys = keysToReissue(facts.source);
  const counts = KINDS.map((kind) => [kind, facts.source.state.ofKind(kind).length] as const).filter(([, n]) => n > 0);
  return [
    `migrate ${facts.from} → ${facts.to}: ${counts.length === 0 ? 'nothing declared' : counts.map(([kind, n]) => `${n} ${n === 1 ? SPECS[kind].noun : plural(kind)}`).join(', ')}`,
    `  keys to re-issue: ${keys.length} ${keys.length === 1 ? 'application' : 'applications'} (${count(keys.reduce((n, k) => n + k.credentials.length, 0), 'credential')})`,
    `  fields the target cannot hold: ${facts.converted.dropped.length}; owners left out: ${facts.converted.owners.length}; registrations whose status needs an admin: ${adminStatuses(facts.source).length}`,
    ...(facts.plan === undefined ? [] : [`  plan: ${facts.plan.summary.create} to create, ${facts.plan.summary.update} to update, ${facts.plan.summary.replace} to replace, ${facts.plan.summary.delete} to delete`]),
  ];
}

function outcomeText(facts: MigrationFacts): string {
  if (facts.stopped !== undefined && facts.stopped.length > 0) return facts.applied ? 'Stopped: see "What stops the plan" (the outcome of each change is in the apply output).' : 'Stopped before anything changed: see "What stops the plan".';
  if (facts.applied === undefined) return 'Dry run: nothing was changed on either side. `portalctl migrate … --apply` applies this plan; `portalctl plan` of the converted config shows it in full.';
  const landed = facts.applied.outcomes.filter((o) => o.status === 'applied').length;
  const keysTo = facts.applied.credentialsFile === undefined ? '' : `; new keys are in ${code(facts.applied.credentialsFile)}`;
  return `Applied: ${landed} of ${facts.applied.total} changes${keysTo}.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function plural(kind: Kind): string {
  const noun = SPECS[kind].noun;
  return noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}
