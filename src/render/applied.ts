import type { AppliedRecord } from '../backends/backend.js';

/** A recorded apply in a few words: `abc123456789 (dirty) at 2026-11-20T10:00:00Z`. */
export function describeApplied(record: AppliedRecord): string {
  return `${record.commit.slice(0, 12)}${record.dirty ? ' (dirty)' : ''}${record.at === undefined ? '' : ` at ${record.at}`}`;
}
