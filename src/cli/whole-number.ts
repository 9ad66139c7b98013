import { UserError } from '../errors.js';

/** The value of a flag that takes a whole number (`--max-deletes 5`), or one line saying it is not one. */
export function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UserError(`${flag} takes a whole number, not "${text}"`);
  return Number(text);
}
