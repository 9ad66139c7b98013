/**
 * Requests sent and re-sent in one run, over every client of a connection: shown with --debug and
 * kept in the plan's metadata, so a slow or flaky run says why.
 */
export interface RequestCounters {
  /** Every request put on the wire, retries included. */
  requests: number;
  /** Of those, the ones that repeated an earlier attempt (a retry, or a POST re-sent after a re-list). */
  retried: number;
}

export function newRequestCounters(): RequestCounters {
  return { requests: 0, retried: 0 };
}
