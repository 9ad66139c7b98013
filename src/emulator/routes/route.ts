import type { Ctx, Reply } from '../http.js';
import { notFound } from '../http.js';
import type { EmulatorState } from '../state.js';

/**
 * One endpoint: method, path with `{param}`s as the specs write them, who may call it (`admin`: the
 * bearer token; `session`: a developer's portalaccesstoken cookie; `none`), and whether its body
 * must be sent as JSON (api-builder answers 415 otherwise).
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  auth: 'admin' | 'session' | 'none';
  jsonOnly?: boolean;
  handle: (ctx: Ctx, state: EmulatorState) => Reply | Promise<Reply>;
}

/** A record's timestamps on the wire (records the local backend wrote have none: the epoch stands in). */
export function stamps(record: { created_at?: string; updated_at?: string }): { created_at: string; updated_at: string } {
  const created = record.created_at ?? EPOCH;
  return { created_at: created, updated_at: record.updated_at ?? created };
}
const EPOCH = '1970-01-01T00:00:00.000Z';

/** The path's portal must be the one this emulator serves. */
export function checkPortal(ctx: Ctx, state: EmulatorState): void {
  if (ctx.params.portalId !== state.portalId) throw notFound();
}

/** The record of `table` with the path's id, or 404. */
export function found<T>(state: EmulatorState, has: boolean, get: () => T): T {
  if (!has) throw notFound();
  return get();
}
