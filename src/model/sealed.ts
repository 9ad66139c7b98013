import { createHash, randomBytes } from 'node:crypto';
import { replaceAtPaths } from './attr-paths.js';

/**
 * A value that came from the environment, as a backend stores it: a salted hash, never the value.
 * Stores keep these in place of the value so that secrets never reach a state file, while a plan can
 * still tell whether the desired value changed.
 */
export interface Sealed {
  $sensitive: string;
}

export function isSealed(value: unknown): value is Sealed {
  return value !== null && typeof value === 'object' && typeof (value as Sealed).$sensitive === 'string';
}

/** Seals a value with a fresh random salt: `sha256:<salt>:<hex digest of salt + value>`. */
export function seal(value: string): Sealed {
  const salt = randomBytes(8).toString('hex');
  return { $sensitive: `sha256:${salt}:${digest(salt, value)}` };
}

/** True when `value` is the value that was sealed. */
export function matchesSealed(value: unknown, sealed: Sealed): boolean {
  const [, salt, hash] = sealed.$sensitive.split(':');
  return typeof value === 'string' && salt !== undefined && digest(salt, value) === hash;
}

function digest(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\0').update(value).digest('hex');
}

/** A copy of `attrs` with the string values at the dot-separated `paths` sealed. */
export function sealPaths<T extends object>(attrs: T, paths: readonly string[] | undefined): T {
  if (!paths?.length) return attrs;
  return replaceAtPaths(attrs, paths, (value) => (typeof value === 'string' ? seal(value) : value));
}
