import { UserError } from '../errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of an --interval: `60s`, `5m`, `1h`, or a bare number of seconds; at least one second. */
export function parseInterval(text: string): number {
  const match = /^(\d{1,7})(s|m|h)?$/.exec(text.trim());
  const ms = match === null ? 0 : Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
  if (ms < 1_000) throw new UserError(`--interval takes a duration of at least 1s, like 30s, 5m, 1h or a number of seconds, not "${text}"`);
  return ms;
}

/** `90s`, `5m`, `1h`: an interval as it is shown back. */
export function formatInterval(ms: number): string {
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m}m`;
  return `${ms / UNIT_MS.s}s`;
}
