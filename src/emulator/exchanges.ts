/**
 * What the emulator served, one record per answered request of its admin and portal API (not the
 * gateway), for the contract test (test/contract/): each is checked against Konnect's specs.
 * Secrets stay out: the record says whether a bearer token or a session cookie came, never which.
 */
export interface Exchange {
  method: string;
  /** The path without the query. */
  path: string;
  /** The query parameters in the order sent. */
  query: [string, string][];
  /** The request's Content-Type header, if any. */
  requestContentType?: string;
  hasBearer: boolean;
  hasSessionCookie: boolean;
  /** The parsed request body (absent when none was sent or read). */
  requestBody?: unknown;
  status: number;
  /** The response's Content-Type header, if any. */
  responseContentType?: string;
  responseBody?: unknown;
  /** An injected fault (--fail-rate): its answer is the emulator's, not an operation's. */
  injected?: boolean;
}

export type ExchangeListener = (exchange: Exchange) => void;

const listeners = new Set<ExchangeListener>();

/** Observes every exchange of every emulator this process starts (until the returned function is called). */
export function observeExchanges(listener: ExchangeListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function emitExchange(exchange: Exchange, own?: ExchangeListener): void {
  own?.(exchange);
  for (const listener of listeners) listener(exchange);
}
