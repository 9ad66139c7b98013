/**
 * A closed set of values (kinds, sections, statuses) is defined once: by the generated schema types,
 * or by one constant from which the rest derive. Where code needs the values at run time, the
 * constant lists them against the type it must match, so a value the schema gains and the list lacks
 * (or the other way round) is a type error that names it.
 */

/**
 * `everyMember<U>()(list)` returns `list` unchanged, and fails to compile unless it names every
 * member of the union `U` and nothing else: `{ missing: 'team' }` in the error names what it lacks.
 * Curried so that `U` is given while the list's own (ordered, literal) type is inferred.
 */
export function everyMember<U extends string>() {
  return <const L extends readonly U[]>(list: L & Covers<U, L>): L => list;
}

type Covers<U, L extends readonly unknown[]> = [Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> };

/** The keys of `T` whose values are lists: the top-level sections of a config type. */
export type ListKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? K : never }[keyof T];

/** The keys of `T` whose values are mappings (objects, not lists): the sections of singleton kinds. */
export type MappingKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? never : NonNullable<T[K]> extends object ? K : never }[keyof T];
