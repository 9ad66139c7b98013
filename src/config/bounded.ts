/**
 * Files read at once. Each read holds a file descriptor until it is done: reading every file of a
 * large config at the same time runs into the open-file limit (often 1,024, sometimes 256) with
 * EMFILE errors. 64 keeps the disk busy and stays far below any limit.
 */
export const MAX_OPEN_FILES = 64;

/**
 * `items.map(fn)` with at most `limit` calls in flight at a time; results in the order of `items`.
 * `fn` must not reject (return failures as values): a rejection rejects the whole map.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
