import type { DesiredState, State } from '../../../model/state.js';
import { childListKey, manages, parentOf } from '../../../model/scope.js';
import type { Problem } from '../../../diagnostics/problems.js';
import type { Plan } from '../../../types/plan.js';
import { AdaptedTransaction } from '../../adapted-transaction.js';
import type { AppliedRecord, Backend, RequestCounts, Transaction } from '../../backend.js';
import { appliedOn, writeAppliedLabel } from '../applied-label.js';
import { envValuesOn, writeEnvLabel } from '../env-label.js';
import { LazyTransaction } from '../lazy-transaction.js';
import { readLive } from '../../live.js';
import { connectionFromOptions, type KonnectConnection, type KonnectOptions } from '../connection.js';
import { openKonnectClients, type KonnectClientHooks, type KonnectClients } from '../konnect-clients.js';
import { checkConfigPortal, resolvePortal, type Portal } from '../portal.js';
import { configScalar } from '../v3/config-portal.js';
import { CLASSIC_CAPABILITIES } from './capabilities.js';
import { classicConfigProblems, classicPeopleProblems } from './checks.js';
import { ClassicContext, type SessionOwner } from './context.js';
import { classicAdapters } from './index.js';
import type { ClassicPortalItem } from './wire.js';
import { unchosenStrategy } from '../implicit-strategy.js';

/** A read and the state it gave, kept for the writes after it. */
interface Reading {
  ctx: ClassicContext;
  state: State;
}

/** What a missing developer session stops on the classic portal. */
const SESSION_NEEDS = "to create and change applications, registrations and credentials, and to tell the namespace's applications (the session developer's) from others'";

/**
 * Konnect's classic Dev Portal (v2) over HTTP (MAPPING 4): API products and versions with their
 * portal product versions through the admin API; applications, registrations and credentials created
 * through the developer session on the Portal API (`/api/v2`), whose developer owns them; status
 * changes and deletes through the admin API. Applications carry no labels (M11): the session
 * developer's are the namespace's (one developer account per namespace), which is `--namespace`, else
 * the config's, else that of the run that last wrote one.
 */
export class KonnectClassicBackend implements Backend {
  readonly type = 'konnect-classic' as const;
  readonly capabilities = CLASSIC_CAPABILITIES;
  readonly #connection: KonnectConnection;
  readonly #clients: KonnectClients;
  readonly #configPaths: readonly string[];
  readonly #namespaceFlag: string | undefined;
  #owner?: Promise<SessionOwner>;
  #portal?: Promise<Portal>;
  #last?: Reading;
  /** Set by checkDesired: the config declares applications, and without a session the namespace's cannot be told (unmet says so). */
  #applicationsUnknown = false;

  constructor(
    options: KonnectOptions & { namespace?: string },
    env: NodeJS.ProcessEnv = process.env,
    hooks: KonnectClientHooks = {},
    configPaths: readonly string[] = [],
  ) {
    this.#connection = connectionFromOptions(options, env);
    this.#configPaths = configPaths;
    this.#namespaceFlag = options.namespace;
    this.#clients = openKonnectClients(this.#connection, hooks);
  }

  get target(): string {
    return `${this.#connection.adminUrl}${this.#connection.portal ? ` portal ${this.#connection.portal}` : ''}`;
  }

  /** Reads everything; a plan's read (`partial`) leaves credentials to readFor, which knows which are worth reading. */
  async read(options: { partial?: boolean } = {}): Promise<State> {
    const ctx = await this.#context();
    ctx.credentialScope = options.partial === true ? new Set() : 'all';
    const state = await readLive(classicAdapters(ctx), this.capabilities);
    if (ctx.owner.guessed === true) settleNamespace(ctx.owner, state);
    this.#last = { ctx, state };
    return state;
  }

  /**
   * The read again as the config's namespace owns the session developer's applications (the lists
   * are not read twice), with the credentials of those whose config lists credentials and of those
   * the run would delete (MAPPING 4.6 step 7: one request each, through the session).
   */
  async readFor(live: State, desired: DesiredState): Promise<State> {
    const last = this.#last;
    if (last === undefined || last.state !== live) return live;
    checkConfigPortal(desired.portal, last.ctx.portal);
    last.ctx.owner.namespace = desired.namespace;
    const scope = new Set<string>();
    for (const app of live.ofKind('application')) {
      if (!last.ctx.sessionApps.has(app.live!.id)) continue;
      const listed = desired.lists.has(childListKey(app.address, 'credential'));
      const goes = !desired.state.has(app.address) && manages(desired, app);
      if (listed || goes) scope.add(app.live!.id);
    }
    last.ctx.credentialScope = scope;
    const state = await readLive(classicAdapters(last.ctx), this.capabilities);
    this.#last = { ctx: last.ctx, state };
    return state;
  }

  async checkDesired(desired: DesiredState): Promise<Problem[]> {
    const ctx = this.#last?.ctx;
    const live = this.#last?.state;
    const problems = [...classicConfigProblems(desired, ctx?.sessionEmail()), ...(live !== undefined ? classicPeopleProblems(desired, live) : [])];
    const missing = ctx?.sessionMissing();
    this.#applicationsUnknown = missing !== undefined && desired.sections.has('applications');
    return problems;
  }

  /** Plans that need the developer session (MAPPING 4.6: the Portal API's writes), when there is none; and adoption, which the session cannot do. */
  unmet(plan: Plan): string | undefined {
    const last = this.#last;
    const reasons = [this.#sessionUnmet(plan), last && unchosenStrategy(plan, last.ctx, last.state)].filter((r) => r !== undefined);
    return reasons.length === 0 ? undefined : reasons.join('; ');
  }

  #sessionUnmet(plan: Plan): string | undefined {
    const adopted = plan.changes.find((c) => c.kind === 'application' && c.adopt === true);
    if (adopted !== undefined) return `${adopted.address} is another developer's application, and the classic portal lets only its developer change it`;
    const needs = plan.changes.filter(
      (c) =>
        (c.kind === 'credential' && c.action !== 'update') ||
        (c.kind === 'application' && c.action !== 'delete') ||
        (c.kind === 'registration' && (c.action === 'create' || c.action === 'replace')),
    );
    const missing = this.#last?.ctx.sessionMissing();
    if (missing === undefined) return undefined;
    if (needs.length === 0) return this.#applicationsUnknown ? `the namespace's applications are the developer session's, and there is none: ${missing}` : undefined;
    return `${needs.length === 1 ? `${needs[0]!.address} needs` : `${needs.length} changes (${needs[0]!.address}, …) need`} a developer session: ${missing}`;
  }

  requestCounts(): RequestCounts {
    return { requests: this.#clients.counters.requests, retried: this.#clients.counters.retried };
  }

  /** From the portal's labels as resolved (classic portals take labels too): no request of its own once it is resolved. */
  async readApplied(namespace: string): Promise<AppliedRecord | undefined> {
    return appliedOn((await this.#context()).portal, namespace);
  }

  /** Sets the namespace's label on the portal (applied-label.ts), unless it already names this commit. */
  async writeApplied(namespace: string, record: AppliedRecord): Promise<void> {
    const { id } = (await this.#context()).portal;
    const updated = await writeAppliedLabel<Portal>(this.#clients.admin, `/v2/portals/${encodeURIComponent(id)}`, namespace, record);
    if (updated !== undefined) this.#portal = Promise.resolve(classicPortal(updated));
  }

  /** From the portal's labels as resolved, as readApplied. */
  async readEnvValues(namespace: string): Promise<number> {
    return envValuesOn((await this.#context()).portal, namespace);
  }

  /** Sets or removes the namespace's mark of values from the environment (env-label.ts), unless the portal already says so. */
  async writeEnvValues(namespace: string, count: number): Promise<void> {
    const { portal } = await this.#context();
    // The portal as this run read it says so already (most often: no mark, none wanted): no request.
    if (envValuesOn(portal, namespace) === count) return;
    const updated = await writeEnvLabel<Portal>(this.#clients.admin, `/v2/portals/${encodeURIComponent(portal.id)}`, namespace, count);
    if (updated !== undefined) this.#portal = Promise.resolve(classicPortal(updated));
  }

  /** The writes start from the read made inside the transaction (the plan's), or from a fresh one. */
  async transaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    this.#last = undefined;
    try {
      return await run(new LazyTransaction(() => this.#opening(), (namespace, record) => this.writeApplied(namespace, record), (namespace, count) => this.writeEnvValues(namespace, count)));
    } finally {
      this.#last = undefined;
    }
  }

  async #opening(): Promise<AdaptedTransaction> {
    let reading = this.#last;
    if (reading === undefined) {
      const ctx = await this.#context();
      ctx.credentialScope = 'all';
      reading = this.#last = { ctx, state: await readLive(classicAdapters(ctx), this.capabilities) };
    }
    return new AdaptedTransaction(classicAdapters(reading.ctx), reading.state, { seal: false });
  }

  async #context(): Promise<ClassicContext> {
    this.#portal ??= (async () => classicPortal(await resolvePortal(this.#clients.admin, this.#connection.portal ?? (await configScalar(this.#configPaths, 'portal')), CLASSIC_PORTALS)))();
    this.#portal.catch(() => (this.#portal = undefined));
    this.#owner ??= (async () => {
      const named = this.#namespaceFlag ?? (await configScalar(this.#configPaths, 'namespace'));
      return named !== undefined ? { namespace: named } : { namespace: 'default', guessed: true };
    })();
    const [portal, owner] = await Promise.all([this.#portal, this.#owner]);
    let session: ReturnType<KonnectClients['developerSession']> | undefined;
    return new ClassicContext(this.#clients.admin, portal, this.#clients.counters, () => (session ??= this.#clients.developerSession(portal, '/api/v2', SESSION_NEEDS)), owner);
  }
}

/**
 * With no namespace named (a dump without --namespace), the session developer's applications go with
 * the namespace that labels everything else portalctl keeps on the portal, when there is exactly one:
 * one developer account per namespace makes them that namespace's. Several (or none): `default`.
 */
function settleNamespace(owner: SessionOwner, state: State): void {
  const labelled = new Set<string>();
  for (const r of state.all()) if (r.kind !== 'application' && parentOf(r) === undefined && r.live?.owner !== undefined) labelled.add(r.live.owner);
  owner.guessed = false;
  if (labelled.size !== 1) return;
  const [namespace] = [...labelled] as [string];
  for (const app of state.ofKind('application')) if (app.live?.owner === owner.namespace) app.live.owner = namespace;
  owner.namespace = namespace;
}

const CLASSIC_PORTALS = { path: '/v2/portals', name: 'classic Dev Portal (v2)' } as const;

/** A classic portal as the shared machinery reads a portal: its own domain is the custom one, else the default. */
function classicPortal(p: Portal): Portal {
  const classic = p as Portal & ClassicPortalItem;
  const domain = classic.custom_domain ?? classic.default_domain;
  return { ...p, ...(domain && { canonical_domain: domain }) };
}
