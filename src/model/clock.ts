import { UserError } from '../errors.js';

/**
 * The current time, the one place it is read for rotation, expiry and credential creation times.
 * `PORTALCTL_NOW` (an ISO 8601 time) moves the clock: a knob for tests and for rehearsing a
 * rotation ("what would a plan on 1 April do?"), honoured by the CLI, the local store and the emulator.
 */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const moved = env.PORTALCTL_NOW;
  if (moved === undefined || moved === '') return new Date();
  const at = Date.parse(moved);
  if (Number.isNaN(at)) throw new UserError(`PORTALCTL_NOW=${JSON.stringify(moved)} is not an ISO 8601 time (e.g. 2030-01-31T12:00:00Z)`);
  return new Date(at);
}
