import { describe, expect, it } from 'vitest';
import { BackendError, type Backend, type Transaction } from '../../src/backends/backend.js';
import { unheldFields } from '../../src/backends/capabilities.js';
import { address, KINDS, type AttrsByKind, type Kind } from '../../src/model/kind.js';
import { specOf } from '../../src/model/kinds/index.js';
import type { AnyResource } from '../../src/model/resource.js';
import type { State } from '../../src/model/state.js';
import { sameValue } from '../../src/plan/fields.js';
import { DEVELOPERS_JOIN, KNOWN_OWNER, signUp, STARTS_WITH, UNDER_TEST } from './backends.js';

/**
 * The contract every backend keeps, through the Backend interface alone: the same scenarios against
 * each backend of the registry (test/backends/backends.ts). Where backends differ, a scenario asks
 * what the backend declares (its `capabilities`), never its name; its data is what every backend can
 * hold (a product has a version; an application names its owner and strategy unless defaults are the point).
 */

const ns = { namespace: 'team-a' };

function desired<K extends Kind>(kind: K, attrs: AttrsByKind[K], extra: Partial<AnyResource> = {}): AnyResource {
  const spec = specOf(kind);
  const filled = spec.withDefaults(attrs);
  const key = spec.key(filled);
  return { kind, key, address: address(kind, key), attrs: filled, protected: false, ...extra } as AnyResource;
}

const strategy = (name = 'keys') =>
  desired('auth_strategy', { name, type: 'key_auth', key_names: ['apikey'], ttl: { value: 30, unit: 'days' }, labels: {} } as AttrsByKind['auth_strategy']);
const product = (name = 'shop') => desired('product', { name, description: 'Shop', labels: { team: 'web' } });
const version = (name: string, registration: AttrsByKind['product_version']['registration'], productName = 'shop') =>
  desired('product_version', { product: productName, name, registration });
const application = (ref = 'app', extra: Partial<AttrsByKind['application']> = {}) =>
  desired('application', { reference_id: ref, name: 'App', auth_strategy: 'keys', owner: KNOWN_OWNER, labels: {}, ...extra });
const registration = (ref: string, v: string, status?: AttrsByKind['registration']['status']) =>
  desired('registration', { application: ref, product: 'shop', version: v, ...(status && { status }) });
const credential = (ref = 'app', name = 'ci') => desired('credential', { application: ref, name });

/** An openid-connect strategy named `name`. */
function oidcStrategy(name: string): AnyResource {
  return desired('auth_strategy', {
    name,
    type: 'openid_connect',
    issuer: 'https://idp.example.com',
    credential_claim: ['sub'],
    scopes: ['openid'],
    auth_methods: ['bearer'],
    labels: {},
  } as AttrsByKind['auth_strategy']);
}

/** One object of every kind, parents first: versions with auto-approve on (v1), off (v2), and registration disabled (v3). */
function everyKind(): AnyResource[] {
  return [
    strategy(),
    oidcStrategy('oidc'),
    product(),
    version('v1', { enabled: true, auth_strategy: 'keys', auto_approve: true }),
    version('v2', { enabled: true, auth_strategy: 'keys', auto_approve: false }),
    version('v3', { enabled: false }),
    application(),
    registration('app', 'v1', 'approved'),
    credential(),
  ];
}

async function createAll(backend: Backend, resources: readonly AnyResource[]): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  await backend.transaction(async (tx) => {
    for (const r of resources) {
      const { secret } = await tx.create(r, ns);
      if (secret !== undefined) secrets[r.address] = secret;
    }
  });
  return secrets;
}

async function refusal(write: Promise<unknown>): Promise<BackendError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

/** The addresses of the objects a state holds besides those a fresh portal has (its settings, a singleton; the session developer). */
const addresses = (state: State) =>
  [...state.all()]
    .filter((r) => specOf(r.kind).lifecycle !== 'singleton' && r.address !== STARTS_WITH)
    .map((r) => r.address)
    .sort();
const inTx = <T>(backend: Backend, run: (tx: Transaction) => Promise<T>) => backend.transaction(run);

describe.each(Object.entries(UNDER_TEST))('the %s backend', (name, openEmpty) => {
  const join = DEVELOPERS_JOIN[name as keyof typeof DEVELOPERS_JOIN];
  /** Developers on the portal: invited through the backend, or signed up where it invites no one. */
  const developersJoin = async (backend: Backend, developers: readonly AnyResource[]) => {
    if (join === 'invite') return createAll(backend, developers);
    for (const d of developers) signUp(backend, d.key, (d.attrs as AttrsByKind['developer']).full_name);
    return {};
  };
  it('creates every kind, and reads each back with its attributes, an id and its owner', async () => {
    const backend = await openEmpty();
    const resources = everyKind();
    const secrets = await createAll(backend, resources);
    const live = await backend.read();

    expect(addresses(live)).toEqual(resources.map((r) => r.address).sort());
    const ids = new Set<string>();
    for (const want of resources) {
      const have = live.get(want.address)!;
      expect(have.attrs, want.address).toEqual(want.attrs);
      expect(have.protected).toBe(false);
      expect(have.live?.id).toEqual(expect.any(String));
      ids.add(have.live!.id);
      // Kinds owned by label carry the run's namespace; children belong with their parent.
      expect(have.live?.owner, want.address).toBe('team-a');
    }
    expect(ids.size).toBe(resources.length);
    // The owner label is the backend's, not an attribute.
    expect(live.getOf('product', 'shop')!.attrs.labels).toEqual({ team: 'web' });
    // A credential's key is issued once, at creation, and never read back.
    expect(Object.keys(secrets)).toEqual(['credential.app/ci']);
    expect(JSON.stringify([...live.all()])).not.toContain(secrets['credential.app/ci']);
  });

  it('updates every kind in place, and changes only the protection of a kind that is created and deleted only', async () => {
    const backend = await openEmpty();
    await createAll(backend, everyKind());
    const { immutable, unsupported } = backend.capabilities;
    // What cannot change in place is planned as a replace: an in-place update leaves it as it is.
    const strategyInPlace = !immutable?.application?.includes('auth_strategy');
    const protectedCredential = { ...credential(), protected: true } as AnyResource;
    const changed = [
      desired('auth_strategy', { name: 'keys', type: 'key_auth', key_names: ['apikey', 'x-key'], labels: { tier: 'gold' } } as AttrsByKind['auth_strategy']),
      desired('product', { name: 'shop', description: 'The shop', labels: {} }),
      version('v1', { enabled: true, auth_strategy: 'keys', auto_approve: false }),
      application('app', { name: 'The App', description: 'Now described', ...(strategyInPlace && { auth_strategy: undefined }) }),
      registration('app', 'v1', 'revoked'),
    ];
    // A backend that cannot hold a credential's protection refuses it at validation, before any write.
    if (unsupported?.credential?.includes('protected')) expect(unheldFields(protectedCredential, backend.capabilities)).toEqual(['protected']);
    else changed.push(protectedCredential);
    await inTx(backend, async (tx) => {
      for (const r of changed) await tx.update(r, ns);
    });
    const live = await backend.read();
    for (const want of changed) {
      const have = live.get(want.address)!;
      expect(have.attrs, want.address).toEqual(JSON.parse(JSON.stringify(want.attrs)));
      expect(have.protected, want.address).toBe(want.protected);
    }
  });

  it('fills in what it declares it chooses when the config leaves it out, and nothing else', async () => {
    const backend = await openEmpty();
    const bare = application('app', { owner: undefined, auth_strategy: undefined });
    await createAll(backend, [strategy(), bare]);
    const { owner, auth_strategy, ...rest } = (await backend.read()).getOf('application', 'app')!.attrs;
    const chosen = backend.capabilities.chosenWhenAbsent?.application ?? [];
    expect(owner !== undefined, 'owner').toBe(chosen.includes('owner'));
    expect(auth_strategy !== undefined, 'auth_strategy').toBe(chosen.includes('auth_strategy'));
    const { owner: _o, auth_strategy: _s, ...wantRest } = bare.attrs as AttrsByKind['application'];
    expect(rest).toEqual(wantRest);
  });

  it('deletes every kind', async () => {
    const backend = await openEmpty();
    const resources = everyKind();
    await createAll(backend, resources);
    await inTx(backend, async (tx) => {
      for (const r of [...resources].reverse()) await tx.delete(r.address);
    });
    expect(addresses(await backend.read())).toEqual([]);
  });

  it('deletes what a delete takes with it, and the same transaction can create it all again', async () => {
    const backend = await openEmpty();
    const resources = [...everyKind(), registration('app', 'v2')];
    await createAll(backend, resources);
    await inTx(backend, async (tx) => {
      await tx.delete('application.app');
      await tx.delete('product_version.shop/v2');
    });
    expect(addresses(await backend.read())).toEqual(['auth_strategy.keys', 'auth_strategy.oidc', 'product.shop', 'product_version.shop/v1', 'product_version.shop/v3']);

    await inTx(backend, async (tx) => {
      for (const r of [version('v2', { enabled: true, auth_strategy: 'keys', auto_approve: false }), application(), registration('app', 'v1'), credential()]) await tx.create(r, ns);
      await tx.delete('product.shop'); // its versions, and the registration to v1
      await tx.create(product(), ns);
      await tx.create(version('v1', { enabled: true, auth_strategy: 'keys', auto_approve: true }), ns);
      await tx.create(registration('app', 'v1'), ns);
    });
    expect(addresses(await backend.read())).toEqual([
      'application.app',
      'auth_strategy.keys',
      'auth_strategy.oidc',
      'credential.app/ci',
      'product.shop',
      'product_version.shop/v1',
      'registration.app/shop/v1',
    ]);
  });

  it('answers a second create under a key it holds as it declares: refused (409) or found, never a second object, in the same transaction and in the next', async () => {
    const backend = await openEmpty();
    const promised = backend.capabilities.secondCreate ?? {};
    const createAgain = async (tx: Transaction, r: AnyResource) => {
      if (promised[r.kind] === 'refused') expect((await refusal(tx.create(r, ns))).status, r.address).toBe(409);
      else await tx.create(r, ns);
    };
    const ids = (state: State) => Object.fromEntries([...state.all()].map((r) => [r.address, r.live!.id]));
    const resources = everyKind();
    // A kind whose key the backend does not keep is not created twice: only the plan prevents a duplicate there.
    const twice = resources.filter((r) => promised[r.kind] !== undefined);
    await createAll(backend, resources);
    const before = ids(await backend.read());
    await inTx(backend, async (tx) => {
      for (const r of twice) await createAgain(tx, r);
    });
    expect(ids(await backend.read())).toEqual(before);
    // No second object hides under an address: one delete of each leaves nothing.
    await inTx(backend, async (tx) => {
      for (const r of [...resources].reverse()) await tx.delete(r.address);
    });
    expect(addresses(await backend.read())).toEqual([]);

    await inTx(backend, async (tx) => {
      for (const r of resources) {
        await tx.create(r, ns);
        if (twice.includes(r)) await createAgain(tx, r);
      }
    });
    const again = ids(await backend.read());
    expect(addresses(await backend.read())).toEqual(resources.map((r) => r.address).sort());
    await inTx(backend, async (tx) => {
      for (const r of twice) await createAgain(tx, r);
    });
    expect(ids(await backend.read())).toEqual(again);
  });

  it('sets a registration status from the version auto-approve when none is given, and refuses one to a version whose registration is disabled', async () => {
    const backend = await openEmpty();
    await createAll(backend, everyKind().filter((r) => r.kind !== 'registration'));
    await inTx(backend, async (tx) => {
      await tx.create(registration('app', 'v1'), ns);
      await tx.create(registration('app', 'v2'), ns);
      expect((await refusal(tx.create(registration('app', 'v3'), ns))).status).toBe(400);
    });
    const live = await backend.read();
    expect(live.getOf('registration', 'app/shop/v1')!.attrs.status).toBe('approved');
    expect(live.getOf('registration', 'app/shop/v2')!.attrs.status).toBe('pending');
    expect(live.has('registration.app/shop/v3')).toBe(false);
  });

  it('refuses to delete an auth strategy in use (409), and deletes it once nothing uses it', async () => {
    const backend = await openEmpty();
    await createAll(backend, [strategy(), strategy('other'), product(), version('v1', { enabled: true, auth_strategy: 'keys', auto_approve: true }), application()]);
    await inTx(backend, async (tx) => {
      expect((await refusal(tx.delete('auth_strategy.keys'))).status).toBe(409);
      if (backend.capabilities.immutable?.application?.includes('auth_strategy')) {
        // Changed by a replace, as the plan makes it; without a strategy the backend would choose one.
        await tx.delete('application.app');
        await tx.create(application('app', { auth_strategy: 'other' }), ns);
      } else {
        await tx.update(application('app', { auth_strategy: undefined }), ns);
      }
      expect((await refusal(tx.delete('auth_strategy.keys'))).status).toBe(409);
      await tx.update(version('v1', { enabled: false }), ns);
      await tx.delete('auth_strategy.keys');
    });
    expect((await backend.read()).has('auth_strategy.keys')).toBe(false);
  });

  it('answers 404 for a write to an object or a reference that does not exist', async () => {
    const backend = await openEmpty();
    await inTx(backend, async (tx) => {
      expect((await refusal(tx.create(version('v1', { enabled: false }, 'nowhere'), ns))).status).toBe(404);
      expect((await refusal(tx.create(application('app'), ns))).status).toBe(404); // its strategy
      expect((await refusal(tx.update(product(), ns))).status).toBe(404);
      expect((await refusal(tx.delete('product.shop'))).status).toBe(404);
    });
  });

  it('labels what it creates with the run namespace, and an update moves an object and its children to the run namespace', async () => {
    const backend = await openEmpty();
    await createAll(backend, everyKind());
    const teamB = { namespace: 'team-b' };
    await inTx(backend, async (tx) => {
      if (backend.capabilities.immutable?.application?.includes('labels')) {
        // The owner label changes by a replace, as the plan makes it: the children go with the application and come back.
        await tx.delete('application.app');
        for (const r of [application(), registration('app', 'v1', 'approved'), credential()]) await tx.create(r, teamB);
      } else {
        await tx.update(application(), teamB);
      }
      await tx.create(desired('product', { name: 'other', labels: {} }), teamB);
      await tx.create(version('v1', { enabled: false }, 'other'), teamB);
    });
    const live = await backend.read();
    const owners = Object.fromEntries([...live.all()].map((r) => [r.address, r.live?.owner]));
    expect(owners).toMatchObject({
      'application.app': 'team-b',
      'registration.app/shop/v1': 'team-b',
      'credential.app/ci': 'team-b',
      'product.shop': 'team-a',
      'product_version.shop/v1': 'team-a',
      'product.other': 'team-b',
      'product_version.other/v1': 'team-b',
    });
    expect(live.getOf('application', 'app')!.attrs.labels).toEqual({});
  });

  it('keeps what landed when a transaction fails in the middle', async () => {
    const backend = await openEmpty();
    const failure = new Error('stopped half-way');
    const run = inTx(backend, async (tx) => {
      await tx.create(strategy(), ns);
      await tx.create(product(), ns);
      await tx.create(version('v1', { enabled: false }), ns);
      throw failure;
    });
    await expect(run).rejects.toBe(failure);
    expect(addresses(await backend.read())).toEqual(['auth_strategy.keys', 'product.shop', 'product_version.shop/v1']);
    // The next transaction goes on from there.
    await createAll(backend, [version('v2', { enabled: false })]);
    expect(addresses(await backend.read())).toHaveLength(4);
  });

  it('plans what it cannot change in place as a replace, and refuses it at update', async () => {
    const backend = await openEmpty();
    await createAll(backend, [strategy()]);
    const oidc = oidcStrategy('keys');
    const immutable = backend.capabilities.immutable?.auth_strategy ?? [];
    if (immutable.includes('type')) {
      await inTx(backend, async (tx) => {
        expect((await refusal(tx.update(oidc, ns))).status).toBe(400);
      });
    } else {
      await inTx(backend, (tx) => tx.update(oidc, ns));
      expect((await backend.read()).getOf('auth_strategy', 'keys')!.attrs.type).toBe('openid_connect');
    }
  });

  it('holds a value from the environment as that value, or sealed, but reads back what compares equal to it', async () => {
    const backend = await openEmpty();
    const secret = 'from-the-environment';
    await createAll(backend, [
      desired('product', { name: 'shop', description: secret, labels: { token: secret } }, { secretAttrs: ['description', 'labels.token'] }),
      version('v1', { enabled: false }),
    ]);
    const have = (await backend.read()).getOf('product', 'shop')!;
    expect(sameValue(secret, have.attrs.description)).toBe(true);
    expect(sameValue(secret, have.attrs.labels?.token)).toBe(true);
  });

  it('holds a rotated credential\'s generations side by side, and reads when each key was made and when it expires (the strategy\'s ttl)', async () => {
    const backend = await openEmpty();
    const before = Date.now();
    const secrets = await createAll(backend, [...everyKind(), credential('app', 'ci@2')]);
    expect(Object.keys(secrets).sort()).toEqual(['credential.app/ci', 'credential.app/ci@2']);
    const live = await backend.read();
    for (const address of ['credential.app/ci', 'credential.app/ci@2']) {
      const key = live.get(address)!.live!.key!;
      const made = Date.parse(key.created_at!);
      expect(made, address).toBeGreaterThanOrEqual(before - 1000);
      expect(made, address).toBeLessThanOrEqual(Date.now() + 1000);
      expect(Date.parse(key.expires_at!) - made, address).toBe(30 * 86_400_000);
      expect(key.status ?? 'active', address).toBe('active');
    }
  });

  it('reads an empty portal as an empty state, but for the settings every portal has (and the session developer, where it holds developers)', async () => {
    const live = await (await openEmpty()).read();
    const starts = (k: Kind) => (specOf(k).lifecycle === 'singleton' ? 1 : 0) + (live.has(STARTS_WITH) && k === 'developer' ? 1 : 0);
    expect(live.counts()).toEqual(Object.fromEntries(KINDS.map((k) => [k, starts(k)])));
  });

  it("reads the portal's settings, updates only those stated (keeping the portal's labels), and never creates or deletes them", async () => {
    const backend = await openEmpty();
    await createAll(backend, [strategy()]);
    const before = (await backend.read()).getOf('portal_settings', 'portal')!;
    expect(before.attrs).toMatchObject({ authentication_enabled: true, rbac_enabled: false, auto_approve_developers: false, auto_approve_applications: false, default_application_auth_strategy: null });
    // The konnect backends keep the applied commit on the portal's labels: a settings update must not drop them.
    await inTx(backend, async (tx) => tx.recordApplied?.('team-a', { commit: 'a'.repeat(40), dirty: false }));
    const unheld = backend.capabilities.unsupported?.portal_settings ?? [];
    const stated: AttrsByKind['portal_settings'] = {
      authentication_enabled: false,
      rbac_enabled: true,
      auto_approve_developers: true,
      default_application_auth_strategy: 'keys',
      ...(!unheld.includes('default_api_visibility') && { default_api_visibility: 'public' as const }),
    };
    await inTx(backend, (tx) => tx.update(desired('portal_settings', stated), ns));
    const after = (await backend.read()).getOf('portal_settings', 'portal')!;
    expect(after.attrs).toMatchObject({ ...stated, auto_approve_applications: false });
    expect(after.live?.id).toBe(before.live?.id);
    expect(after.live?.owner).toBeUndefined();
    expect((await backend.readApplied?.('team-a'))?.commit ?? 'a'.repeat(40)).toBe('a'.repeat(40));
    // Back to none: null is written as null, not as a strategy's name.
    await inTx(backend, (tx) => tx.update(desired('portal_settings', { default_application_auth_strategy: null, authentication_enabled: true }), ns));
    expect((await backend.read()).getOf('portal_settings', 'portal')!.attrs).toMatchObject({ default_application_auth_strategy: null, authentication_enabled: true, rbac_enabled: true });
    await inTx(backend, async (tx) => {
      expect((await refusal(tx.create(desired('portal_settings', {}), ns))).status).toBe(400);
      expect((await refusal(tx.delete('portal_settings.portal'))).status).toBe(400);
    });
    expect((await backend.read()).ofKind('portal_settings')).toHaveLength(1);
  });

  it('invites a developer (or, where developers only sign up, refuses to), reads them back without an owner, changes their status in place, and deletes them', async () => {
    const backend = await openEmpty();
    const dana = (status: AttrsByKind['developer']['status']) => desired('developer', { email: 'dana@partner.example', full_name: 'Dana Partner', status });
    if (join === 'sign-up') {
      expect((await refusal(inTx(backend, (tx) => tx.create(dana('approved'), ns)))).status).toBe(400);
      expect((await backend.read()).ofKind('developer').filter((d) => d.address !== STARTS_WITH)).toEqual([]);
      await developersJoin(backend, [dana('pending')]);
      await inTx(backend, (tx) => tx.update(dana('approved'), ns));
    } else {
      await createAll(backend, [dana('approved')]);
    }
    const invited = (await backend.read()).getOf('developer', 'dana@partner.example')!;
    expect(invited.attrs).toEqual({ email: 'dana@partner.example', full_name: 'Dana Partner', status: 'approved' });
    expect(invited.live?.id).toBeTruthy();
    expect(invited.live?.owner).toBeUndefined();
    await inTx(backend, (tx) => tx.update(dana('revoked'), ns));
    const revoked = (await backend.read()).getOf('developer', 'dana@partner.example')!;
    expect(revoked.attrs.status).toBe('revoked');
    expect(revoked.live?.id).toBe(invited.live?.id);
    await inTx(backend, (tx) => tx.delete('developer.dana@partner.example'));
    expect(addresses(await backend.read())).toEqual([]);
  });

  it('creates a team with members, updates it in place, removes a member, and deletes the team without its developers', async () => {
    const backend = await openEmpty();
    const dana = desired('developer', { email: 'dana@partner.example', full_name: 'Dana Partner' });
    const omar = desired('developer', { email: 'omar@reseller.example', full_name: 'Omar Reseller' });
    // A team's fields the backend cannot hold stay at their defaults (a classic team has a name only).
    const unheld = backend.capabilities.unsupported?.team ?? [];
    const acme = (description: string, canOwn: boolean) =>
      desired('team', { name: 'acme', ...(!unheld.includes('description') && { description }), ...(!unheld.includes('can_own_applications') && { can_own_applications: canOwn }) });
    const member = (email: string) => desired('team_member', { team: 'acme', developer: email });
    await developersJoin(backend, [dana, omar]);
    await createAll(backend, [acme('Acme', false), member('dana@partner.example'), member('omar@reseller.example')]);
    let live = await backend.read();
    expect(live.getOf('team', 'acme')!.attrs).toEqual(acme('Acme', false).attrs);
    expect(live.getOf('team', 'acme')!.live?.owner).toBeUndefined();
    expect(addresses(live)).toEqual(['developer.dana@partner.example', 'developer.omar@reseller.example', 'team.acme', 'team_member.acme/dana@partner.example', 'team_member.acme/omar@reseller.example']);
    const id = live.getOf('team', 'acme')!.live!.id;

    await inTx(backend, async (tx) => {
      await tx.update(acme('Acme and friends', true), ns);
      await tx.delete('team_member.acme/omar@reseller.example');
    });
    live = await backend.read();
    expect(live.getOf('team', 'acme')!.attrs).toEqual(acme('Acme and friends', true).attrs);
    expect(live.getOf('team', 'acme')!.live!.id).toBe(id);
    expect(addresses(live)).toEqual(['developer.dana@partner.example', 'developer.omar@reseller.example', 'team.acme', 'team_member.acme/dana@partner.example']);

    await inTx(backend, (tx) => tx.delete('team.acme'));
    expect(addresses(await backend.read())).toEqual(['developer.dana@partner.example', 'developer.omar@reseller.example']);
  });

  it("assigns a team a role on a product version, reads it back, another role is a new one, and removing it or deleting the version takes it away", async () => {
    const backend = await openEmpty();
    // One version per product: what every backend holds (a classic role is on the whole product).
    const role = (name: AttrsByKind['team_role']['role'], productName = 'shop') => desired('team_role', { team: 'acme', product: productName, version: 'v1', role: name });
    const other = desired('product', { name: 'other', labels: {} });
    await createAll(backend, [strategy(), product(), version('v1', { enabled: false }), other, version('v1', { enabled: false }, 'other'), desired('team', { name: 'acme' }), role('API Consumer'), role('API Viewer', 'other')]);
    let live = await backend.read();
    expect(live.getOf('team_role', 'acme/shop/v1')!.attrs).toMatchObject({ team: 'acme', product: 'shop', version: 'v1', role: 'API Consumer' });
    expect(live.getOf('team_role', 'acme/other/v1')!.attrs).toMatchObject({ role: 'API Viewer' });
    await inTx(backend, async (tx) => {
      await tx.delete('team_role.acme/shop/v1');
      await tx.create(role('API Viewer'), ns);
    });
    live = await backend.read();
    expect(live.getOf('team_role', 'acme/shop/v1')!.attrs.role).toBe('API Viewer');
    await inTx(backend, (tx) => tx.delete('product_version.other/v1'));
    // (A v3 product is its versions' name: the product goes with its last version.)
    expect(addresses(await backend.read()).filter((a) => a !== 'product.other')).toEqual(['auth_strategy.keys', 'product.shop', 'product_version.shop/v1', 'team.acme', 'team_role.acme/shop/v1']);
  });
});
