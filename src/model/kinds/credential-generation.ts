/**
 * A rotated credential's generations live as separate credentials of the application, told apart by
 * name: generation 1 keeps the declared name (`ci`), later ones are `ci@2`, `ci@3`… A declared name
 * cannot contain `@` (schema Name), so a generation's name never collides with a declared one.
 */
const SEPARATOR = '@';

export function generationName(name: string, generation: number): string {
  return generation === 1 ? name : `${name}${SEPARATOR}${generation}`;
}

/** The declared name and generation a live name stands for (`ci@2` → ci, 2; `ci` → ci, 1). */
export function parseGenerationName(liveName: string): { name: string; generation: number } {
  const at = liveName.lastIndexOf(SEPARATOR);
  const suffix = at < 0 ? '' : liveName.slice(at + 1);
  if (at <= 0 || !/^[1-9][0-9]*$/.test(suffix) || Number(suffix) < 2) return { name: liveName, generation: 1 };
  return { name: liveName.slice(0, at), generation: Number(suffix) };
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** A schema Duration (`90d`, `12h`, `2w`) in milliseconds. */
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof UNIT_MS;
  return Number(duration.slice(0, -1)) * UNIT_MS[unit];
}

/** How long the previous generation stays valid when `overlap` is not declared. */
export const DEFAULT_OVERLAP = '7d';

/** Expiring keys are warned about this long ahead. */
export const EXPIRY_WARNING_MS = 7 * UNIT_MS.d;
