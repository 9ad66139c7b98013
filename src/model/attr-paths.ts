/**
 * A deep copy of `attrs` with the value at each dot-separated path (`owner.name`, `key_names.0`,
 * `labels.team.name`) replaced by `replace(value, path)`. Paths that lead nowhere are skipped.
 */
export function replaceAtPaths<T extends object>(attrs: T, paths: readonly string[], replace: (value: unknown, path: string) => unknown): T {
  return replaceInPlace(structuredClone(attrs), paths, replace);
}

/** As replaceAtPaths, on `attrs` itself: for a copy the caller has just made. */
export function replaceInPlace<T extends object>(attrs: T, paths: readonly string[], replace: (value: unknown, path: string) => unknown): T {
  const copy = attrs as Record<string, unknown>;
  for (const path of paths) {
    const steps = resolvePath(copy, path.split('.'));
    if (steps === undefined) continue;
    let node = copy;
    for (const step of steps.slice(0, -1)) node = node[step] as Record<string, unknown>;
    const last = steps[steps.length - 1]!;
    node[last] = replace(node[last], path);
  }
  return copy as T;
}

/**
 * The keys that lead from `node` to the value a dot-separated path names, or undefined. A path is
 * ambiguous when keys hold dots (label keys may: `labels.team.name` is `labels["team.name"]`), so
 * each step tries every run of parts as one key, against the keys the value really has.
 */
export function resolvePath(node: unknown, parts: readonly string[]): string[] | undefined {
  if (parts.length === 0) return [];
  if (node === null || typeof node !== 'object') return undefined;
  for (let end = 1; end <= parts.length; end++) {
    const key = parts.slice(0, end).join('.');
    if (!Object.hasOwn(node, key)) continue;
    const rest = resolvePath((node as Record<string, unknown>)[key], parts.slice(end));
    if (rest !== undefined) return [key, ...rest];
  }
  return undefined;
}

/** The value a dot-separated path names in `node` (dotted keys resolved as resolvePath does), or undefined. */
export function valueAtPath(node: unknown, path: string): unknown {
  // A path of one key (most are: `name`, `application`) is that key: nothing to resolve.
  if (!path.includes('.')) return node !== null && typeof node === 'object' && Object.hasOwn(node, path) ? (node as Record<string, unknown>)[path] : undefined;
  const steps = resolvePath(node, path.split('.'));
  return steps?.reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], node);
}
