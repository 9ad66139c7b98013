/**
 * A deep copy of `attrs` with the value at each dot-separated path (`owner.name`) replaced by
 * `replace(value)`. Paths that lead nowhere are skipped.
 */
export function replaceAtPaths<T extends object>(attrs: T, paths: readonly string[], replace: (value: unknown) => unknown): T {
  const copy = structuredClone(attrs) as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const part of parts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
    const last = parts[parts.length - 1]!;
    if (node && last in node) node[last] = replace(node[last]);
  }
  return copy as T;
}
