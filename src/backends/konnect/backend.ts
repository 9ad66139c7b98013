import type { DesiredState, State } from '../../model/state.js';
import { childListKey, manages } from '../../model/scope.js';
import { address } from '../../model/kind.js';
import { unchosenStrategy } from './implicit-strategy.js';
import { error, warning, type Problem } from '../../diagnostics/problems.js';
import { quote } from '../../diagnostics/quote.js';
import { configPortal } from './v3/config-portal.js';
import type { Plan } from '../../types/plan.js';
import { AdaptedTransaction } from '../adapted-transaction.js';
import type { AppliedRecord, Backend, RequestCounts, Transaction } from '../backend.js';
import { appliedOn, writeAppliedLabel } from './applied-label.js';
import { envValuesOn, writeEnvLabel } from './env-label.js';
import { LABEL_VALUE, MAX_USER_LABELS, overLabelLimit } from './label-rules.js';
import { LazyTransaction } from './lazy-transaction.js';
import { readLive } from '../live.js';
import { connectionFromOptions, type KonnectConnection, type KonnectOptions } from './connection.js';
import { openKonnectClients, type KonnectClientHooks, type KonnectClients } from './konnect-clients.js';
import { checkConfigPortal, resolvePortal, type Portal } from './portal.js';
import { V3_CAPABILITIES } from './v3/capabilities.js';
import { REFERENCE_LABEL, V3Context } from './v3/context.js';
import { v3Adapters } from './v3/index.js';

/** What a read leaves for the writes after it: its context (lists, labels, ids) and the state it read. */
interface Reading {
  ctx: V3Context;
  state: State;
}

/**
 * Konnect's current Dev Portal (v3) over HTTP (MAPPING 3): one adapter per kind over one context.
 * The portal is resolved on the first read (--portal, else the config's `portal`, else the only one).
 * A plan's read is kept for the apply that follows it, so an apply reads the portal once.
 */
export class KonnectBackend implements Backend {
  readonly type = 'konnect' as const;
  readonly capabilities = V3_CAPABILITIES;
  readonly #connection: KonnectConnection;
  readonly #clients: KonnectClients;
  #portal?: Promise<Portal>;
  #last?: Reading;

  readonly #configPaths: readonly string[];

  /** `configPaths`: the config of the run, whose `portal` is used when --portal is not given. */
  constructor(options: KonnectOptions, env: NodeJS.ProcessEnv = process.env, hooks: KonnectClientHooks = {}, configPaths: readonly string[] = []) {
    this.#connection = connectionFromOptions(options, env);
    this.#configPaths = configPaths;
    this.#clients = openKonnectClients(this.#connection, hooks);
  }

  get target(): string {
    return `${this.#connection.adminUrl}${this.#connection.portal ? ` portal ${this.#connection.portal}` : ''}`;
  }

  /** Reads everything; a plan's read (`partial`) leaves credentials to readFor, which knows which are worth reading. */
  async read(options: { partial?: boolean } = {}): Promise<State> {
    const ctx = await this.#context();
    ctx.credentialScope = options.partial === true ? new Set() : 'all';
    const state = await readLive(v3Adapters(ctx), this.capabilities);
    this.#last = { ctx, state };
    return state;
  }

  /**
   * Adds the credentials of the applications whose config lists credentials, and of owned
   * applications the run would delete (MAPPING 3.6 step 7): one list request each.
   */
  async readFor(live: State, desired: DesiredState): Promise<State> {
    const last = this.#last;
    if (last === undefined || last.state !== live) return live;
    checkConfigPortal(desired.portal, last.ctx.portal);
    const scope = new Set<string>();
    for (const app of live.ofKind('application')) {
      const listed = desired.lists.has(childListKey(app.address, 'credential'));
      const goes = !desired.state.has(app.address) && app.live?.owner === desired.namespace && manages(desired, app);
      if (listed || goes) scope.add(app.live!.id);
    }
    if (scope.size === 0) return live;
    last.ctx.credentialScope = scope;
    const state = await readLive(v3Adapters(last.ctx), this.capabilities);
    this.#last = { ctx: last.ctx, state };
    return state;
  }

  /**
   * MAPPING M5: an unpublished version has no publication, which is where Konnect keeps registration
   * settings, so it cannot accept registrations. M7: a publication that does not auto-approve falls
   * back on the portal's `auto_approve_applications`, so on a portal that auto-approves the version's
   * `auto_approve: false` has no effect. Item 3 of the issue: credentials are made and deleted by the
   * session developer, who can do so only for applications it owns itself or through a team.
   */
  async checkDesired(desired: DesiredState): Promise<Problem[]> {
    const problems: Problem[] = [...(await this.#unmanageableCredentials(desired)), ...labelLimits(desired), ...this.#fullNameChanges(desired)];
    const portal = this.#last?.ctx.portal;
    for (const v of desired.state.ofKind('product_version')) {
      // Visibility lives on the publication too: an unpublished version reads back as private.
      if (v.attrs.publish_status === 'unpublished' && v.attrs.visibility !== undefined && v.attrs.visibility !== 'private') {
        problems.push(
          error(`product version ${quote(v.key)}: visibility ${v.attrs.visibility} needs the version published on the konnect backend (its publication holds the visibility); publish it or leave visibility out`, v.fieldSources?.visibility ?? v.source),
        );
      }
      const registration = v.attrs.registration;
      if (!registration?.enabled) {
        if (v.attrs.publish_status === 'unpublished' && registration?.auth_strategy !== undefined) {
          problems.push(
            error(`product version ${quote(v.key)}: an unpublished version cannot hold registration settings on the konnect backend (they live on its publication); publish it or leave registration.auth_strategy out`, v.fieldSources?.['registration.enabled'] ?? v.source),
          );
        }
        continue;
      }
      if (v.attrs.publish_status === 'unpublished') {
        problems.push(error(`product version ${quote(v.key)}: an unpublished version cannot accept registrations on the konnect backend (its registration settings live on its publication); publish it or disable registration`, v.source));
      } else if (registration.auto_approve === false && portal?.auto_approve_applications === true) {
        problems.push(
          warning(`product version ${quote(v.key)}: auto_approve is false, but portal ${quote(portal.name)} auto-approves applications, which Konnect applies to this version's registrations too`, v.source),
        );
      }
    }
    return problems;
  }

  /**
   * A developer whose declared full_name differs from the portal's: Konnect's update-developer takes
   * only a status, and replacing the developer would delete their applications, so the plan refuses.
   */
  #fullNameChanges(desired: DesiredState): Problem[] {
    const live = this.#last?.state;
    if (live === undefined) return [];
    const problems: Problem[] = [];
    for (const d of desired.state.ofKind('developer')) {
      const have = live.getOf('developer', d.key);
      if (have === undefined || have.attrs.full_name === d.attrs.full_name) continue;
      problems.push(
        error(
          `developer ${quote(d.key)}: full_name cannot change on the konnect backend (update-developer takes only a status, and replacing a developer deletes their applications); it is ${quote(have.attrs.full_name)} in the portal`,
          d.fieldSources?.full_name ?? d.source,
        ),
      );
    }
    return problems;
  }

  /** Applications that declare credentials but are owned by someone the session developer is not (nor a team of theirs). */
  async #unmanageableCredentials(desired: DesiredState): Promise<Problem[]> {
    const last = this.#last;
    const email = last?.ctx.sessionEmail();
    if (last === undefined || email === undefined) return []; // without a session, `unmet` says what is missing
    const withCredentials = new Set(desired.state.ofKind('credential').map((c) => c.attrs.application));
    const problems: Problem[] = [];
    let myTeams: Set<string> | undefined;
    for (const app of desired.state.ofKind('application')) {
      if (!withCredentials.has(app.key)) continue;
      const live = last.state.getOf('application', app.key);
      const owner = app.attrs.owner ?? live?.attrs.owner;
      if (owner === undefined) continue; // the session developer will own it
      let manageable = owner.type === 'developer' && owner.name.toLowerCase() === email.toLowerCase();
      if (owner.type === 'team') {
        // Memberships are as the config says by the time keys are made (members before credentials):
        // one it declares (on either side) will exist; one a declared list leaves out will not.
        const declared = desired.state.ofKind('team_member').some((m) => m.attrs.team === owner.name && m.attrs.developer.toLowerCase() === email.toLowerCase());
        const listed = desired.lists.has(childListKey(address('team', owner.name), 'team_member')) || desired.lists.has(childListKey(address('developer', email), 'team_member'));
        if (declared || listed) {
          manageable = declared;
        } else {
          myTeams ??= await this.#sessionTeams();
          manageable = myTeams.has(owner.name);
        }
      }
      if (!manageable) {
        problems.push(
          error(
            `application ${quote(app.key)}: its credentials are made by the developer session (${quote(email)}), which can manage only applications it owns or its teams own, not one owned by ${owner.type} ${quote(owner.name)}`,
            app.source,
          ),
        );
      }
    }
    return problems;
  }

  /** The names of the session developer's teams (`get-developer-teams`, every page). */
  async #sessionTeams(): Promise<Set<string>> {
    const session = this.#last!.ctx.session('checking which applications its credentials can be made for');
    const names = new Set<string>();
    for (let number = 1; ; number++) {
      const page = await session.get<{ data: { name: string }[]; meta?: { page?: { total?: number; size?: number } } }>(`/api/v3/developer/teams?page[size]=100&page[number]=${number}`);
      for (const team of page.data) names.add(team.name);
      if (page.data.length < 100 || number * 100 >= (page.meta?.page?.total ?? 0)) return names;
    }
  }

  unmet(plan: Plan): string | undefined {
    const last = this.#last;
    const reasons = [this.#sessionUnmet(plan), last && unchosenStrategy(plan, last.ctx, last.state)].filter((r) => r !== undefined);
    return reasons.length === 0 ? undefined : reasons.join('; ');
  }

  #sessionUnmet(plan: Plan): string | undefined {
    const needs = plan.changes.filter(
      (c) =>
        (c.kind === 'credential' && c.action !== 'update') ||
        // A new application without an owner is owned by the session developer.
        (c.kind === 'application' && c.action === 'create' && (c.after as { owner?: unknown } | null)?.owner === undefined) ||
        (c.kind === 'application' && c.action === 'update' && (c.diff ?? []).some((d) => d.path === 'name' || d.path === 'description')),
    );
    if (needs.length === 0) return undefined;
    const ctx = this.#last?.ctx;
    const missing = ctx?.sessionMissing();
    if (missing === undefined) return undefined;
    return `${needs.length === 1 ? `${needs[0]!.address} needs` : `${needs.length} changes (${needs[0]!.address}, …) need`} a developer session: ${missing}`;
  }

  requestCounts(): RequestCounts {
    return {
      requests: this.#clients.counters.requests,
      retried: this.#clients.counters.retried,
    };
  }

  /** From the portal's labels as last read (resolving the portal reads them): no request of its own once it is resolved. */
  async readApplied(namespace: string): Promise<AppliedRecord | undefined> {
    return appliedOn(await this.#resolved(), namespace);
  }

  /** Sets the namespace's label on the portal (applied-label.ts), unless it already names this commit. */
  async writeApplied(namespace: string, record: AppliedRecord): Promise<void> {
    const { id } = await this.#resolved();
    const updated = await writeAppliedLabel<Portal>(this.#clients.admin, `/v3/portals/${encodeURIComponent(id)}`, namespace, record);
    if (updated !== undefined) this.#portal = Promise.resolve(updated);
  }

  /** From the portal's labels as last read, as readApplied. */
  async readEnvValues(namespace: string): Promise<number> {
    return envValuesOn(await this.#resolved(), namespace);
  }

  /** Sets or removes the namespace's mark of values from the environment (env-label.ts), unless the portal already says so. */
  async writeEnvValues(namespace: string, count: number): Promise<void> {
    const portal = await this.#resolved();
    // The portal as this run read it says so already (most often: no mark, none wanted): no request.
    if (envValuesOn(portal, namespace) === count) return;
    const updated = await writeEnvLabel<Portal>(this.#clients.admin, `/v3/portals/${encodeURIComponent(portal.id)}`, namespace, count);
    if (updated !== undefined) this.#portal = Promise.resolve(updated);
  }

  /** The writes start from the read made inside the transaction (the plan's), or from a fresh one. */
  async transaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    this.#last = undefined;
    try {
      const open = async () => {
        const { ctx, state } = await this.opening();
        return new AdaptedTransaction(v3Adapters(ctx), state, { seal: false });
      };
      return await run(new LazyTransaction(open, (namespace, record) => this.writeApplied(namespace, record), (namespace, count) => this.writeEnvValues(namespace, count)));
    } finally {
      this.#last = undefined;
    }
  }

  /** The state and context the writes start from: the last read, or a fresh read of everything. */
  async opening(): Promise<Reading> {
    if (this.#last !== undefined) return this.#last;
    const ctx = await this.#context();
    ctx.credentialScope = 'all';
    const state = await readLive(v3Adapters(ctx), this.capabilities);
    return (this.#last = { ctx, state });
  }

  async #resolved(): Promise<Portal> {
    this.#portal ??= (async () => resolvePortal(this.#clients.admin, this.#connection.portal ?? (await configPortal(this.#configPaths))))();
    this.#portal.catch(() => (this.#portal = undefined));
    return this.#portal;
  }

  async #context(): Promise<V3Context> {
    const portal = await this.#resolved();
    let session: ReturnType<KonnectClients['developerSession']> | undefined;
    return new V3Context(this.#clients.admin, portal, this.#clients.counters, () => (session ??= this.#clients.developerSession(portal)));
  }
}

/**
 * MAPPING M8 and M15: an application's reference ID lives in a label, so it must be a label value;
 * and portalctl's own labels count towards Konnect's 50 per object.
 */
function labelLimits(desired: DesiredState): Problem[] {
  const problems: Problem[] = [];
  for (const app of desired.state.ofKind('application')) {
    if (app.key.length > 63 || !LABEL_VALUE.test(app.key)) {
      problems.push(
        error(
          `application ${quote(app.key)}: on the konnect backend its reference ID is kept in the label ${REFERENCE_LABEL}, so it must be at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
          app.source,
        ),
      );
    }
  }
  for (const { resource: r, count } of overLabelLimit(desired)) {
    problems.push(error(`${r.address}: ${count} labels, but the konnect backend allows at most ${MAX_USER_LABELS} (Konnect keeps 50 per object, and portalctl's own labels count too)`, r.source));
  }
  return problems;
}
