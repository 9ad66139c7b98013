import type { Outcome } from '../apply/executor.js';
import { escapeControl } from '../diagnostics/quote.js';

/** What a reconcile loop reports, one line each. */
export type EventName =
  /** The loop starts: what it follows, where, how often. */
  | 'start'
  /** A new commit was applied in full. */
  | 'applied'
  /** Between commits: one change the live portal needs to match the applied commit again (someone changed it outside git). */
  | 'drift'
  /** --self-heal: the drift found was applied back in full. */
  | 'healed'
  /** A warning about the config of a new commit. */
  | 'warning'
  /** One change of an apply failed (the cycle then ends `failed`). */
  | 'write-failed'
  /** A cycle failed: the repository could not be read, the config has errors, the portal refused or failed. */
  | 'failed'
  /** A cycle was refused on purpose before anything changed: deletion guard, keys nobody can receive, the lock held. */
  | 'refused'
  /** The loop ends (a signal, or standard output closed). */
  | 'stopped';

/** Objects an apply created, updated, replaced or deleted (a delete counts what it took with it). */
export interface Counts {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
}

/**
 * One log event. JSON lines carry exactly these fields (those that apply): `time` (ISO 8601, UTC),
 * `event`, `commit` (full hash), `counts`, `address` and `action` (drift, write-failed), `error`
 * (failed, refused, write-failed), `message` (start, stopped, warning), and for `start` `repo`,
 * `branch`, `path`, `work_dir`, `interval_seconds`, `self_heal`.
 */
export interface LogEvent {
  event: EventName;
  commit?: string;
  counts?: Counts;
  address?: string;
  action?: string;
  error?: string;
  message?: string;
  repo?: string;
  branch?: string;
  path?: string;
  work_dir?: string;
  interval_seconds?: number;
  self_heal?: boolean;
}

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** A writer of events as lines: `2026-11-25T17:00:00Z applied abc1234: 3 created, 1 updated`, or JSON objects. */
export function eventLog(format: LogFormat, write: (line: string) => void, now: () => Date = () => new Date()): (event: LogEvent) => void {
  return (event) => {
    const time = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    write((format === 'json' ? JSON.stringify({ time, ...event }) : escapeControl(`${time} ${textOf(event)}`)) + '\n');
  };
}

/** The counts of what landed, from an apply's outcomes. */
export function countsOf(outcomes: readonly Outcome[]): Counts {
  const counts: Counts = { created: 0, updated: 0, replaced: 0, deleted: 0 };
  for (const o of outcomes) {
    if (o.status !== 'applied') continue;
    if (o.change.action === 'create') counts.created++;
    else if (o.change.action === 'update') counts.updated++;
    else if (o.change.action === 'replace') counts.replaced++;
    else counts.deleted += 1 + (o.change.cascade?.length ?? 0);
  }
  return counts;
}

/** `3 created, 1 updated` (only what is not zero), or `no changes`. */
export function countsText(counts: Counts): string {
  const parts = (Object.entries(counts) as [keyof Counts, number][]).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}

function textOf(e: LogEvent): string {
  const head = e.commit === undefined ? e.event : `${e.event} ${e.commit.slice(0, 7)}`;
  if (e.event === 'start') {
    const heal = e.self_heal ? ', drift applied back (--self-heal)' : ', drift reported';
    return `${head}: following ${e.repo} branch ${e.branch}, path ${e.path}, every ${e.interval_seconds}s${heal} (work dir ${e.work_dir})`;
  }
  const details = [
    e.action !== undefined && e.address !== undefined ? `${e.action} ${e.address}` : undefined,
    // An error says how far an apply got itself; the counts stay in the JSON line.
    e.counts && e.error === undefined ? countsText(e.counts) : undefined,
    e.message,
    e.error,
  ].filter((d) => d !== undefined);
  return details.length === 0 ? head : `${head}: ${details.join(': ')}`;
}
