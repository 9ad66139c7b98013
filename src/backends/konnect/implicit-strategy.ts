import type { Plan } from '../../types/plan.js';
import type { State } from '../../model/state.js';
import { BackendError } from '../backend.js';
import type { KonnectContext } from './context.js';

/**
 * The strategy of an application whose config names none: the portal's default, else the only
 * key-auth strategy the portal has (DECISION: Konnect needs one, and the config may leave it out).
 */
export async function implicitStrategy(ctx: KonnectContext, reference: string): Promise<string | undefined> {
  if (ctx.portal.default_application_auth_strategy_id) return undefined;
  const keyAuth = [...ctx.strategyTypes].filter(([, type]) => type === 'key_auth');
  if (keyAuth.length === 1) return keyAuth[0]![0];
  throw new BackendError(
    `application "${reference}": the portal has no default auth strategy and ${keyAuth.length} key-auth strategies: set the application's auth_strategy`,
    400,
  );
}

/**
 * Why a plan's new applications that name no auth_strategy could not be created (implicitStrategy
 * would find neither a default nor exactly one key-auth strategy once the plan's own strategy
 * changes land), for the backend's `unmet`: apply then refuses before any change.
 */
export function unchosenStrategy(plan: Plan, ctx: KonnectContext, live: State): string | undefined {
  const strategyless = plan.changes.filter((c) => c.kind === 'application' && c.action === 'create' && (c.after as { auth_strategy?: unknown } | null)?.auth_strategy === undefined);
  if (strategyless.length === 0) return undefined;
  const settings = plan.changes.find((c) => c.kind === 'portal_settings')?.after as { default_application_auth_strategy?: unknown } | undefined;
  const defaultStrategy = settings !== undefined && 'default_application_auth_strategy' in settings ? settings.default_application_auth_strategy : ctx.portal.default_application_auth_strategy_id;
  if (defaultStrategy) return undefined;
  const gone = new Set(plan.changes.filter((c) => c.action === 'delete').map((c) => c.address));
  const kept = live.ofKind('auth_strategy').filter((s) => s.attrs.type === 'key_auth' && !gone.has(s.address)).length;
  const made = plan.changes.filter((c) => c.kind === 'auth_strategy' && c.action === 'create' && (c.after as { type?: unknown } | null)?.type === 'key_auth').length;
  if (kept + made === 1) return undefined;
  const first = strategyless[0]!.address;
  const apps = strategyless.length === 1 ? `${first} names` : `${strategyless.length} new applications (${first}, …) name`;
  return `${apps} no auth_strategy, and the portal has no default strategy and ${kept + made} key-auth strategies to take instead: set auth_strategy`;
}
