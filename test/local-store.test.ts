import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../src/backends/backend.js';
import { LocalTransaction } from '../src/backends/local/local-backend.js';
import { emptyStore, type StoreData } from '../src/backends/local/store.js';
import { storeProblems } from '../src/backends/local/store-check.js';
import { address, type AttrsByKind, type Kind } from '../src/model/kind.js';
import { specOf } from '../src/model/kinds/index.js';
import type { AnyResource } from '../src/model/resource.js';
import { cli, STACK_TRACE } from './helpers/cli.js';
import { workspace } from './helpers/workspace.js';

describe('a state file that is a symbolic link', () => {
  it('is written through the link (the link stays a link) and locked beside its target', async () => {
    const ws = await workspace('quickstart');
    const real = join(ws.dir, 'real');
    await mkdir(real);
    const link = join(ws.dir, 'link.json');
    await symlink('real/state.json', link); // dangling until the first apply
    const apply = await cli(['apply', ws.config, '--yes', '--state', link, '--credentials-out', ws.creds]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real/state.json');
    expect(JSON.parse(await readFile(join(real, 'state.json'), 'utf8')).applications).not.toEqual({});
    expect((await cli(['plan', ws.config, '--state', link, '--detailed-exitcode'])).code).toBe(0);

    // A second apply writes through the link again (the file now exists).
    await ws.edit('portal.yaml', 'description: The mobile banking app', 'description: Mobile banking');
    expect((await cli(['apply', ws.config, '--yes', '--state', link, '--credentials-out', ws.creds])).code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(real, 'state.json'), 'utf8')).toContain('Mobile banking');
    // No lock or temporary file is left, beside the link or the target.
    expect((await readdir(ws.dir)).filter((f) => /\.lock|\.tmp/.test(f))).toEqual([]);
    expect(await readdir(real)).toEqual(['state.json']);
  });

  it('shares one lock between two links (and a linked folder) to one state', async () => {
    const ws = await workspace('quickstart');
    const real = join(ws.dir, 'real');
    await mkdir(real);
    await mkdir(join(ws.dir, 'a'));
    await mkdir(join(ws.dir, 'b'));
    await symlink('../real/state.json', join(ws.dir, 'a', 'state.json'));
    await symlink(join(real, 'state.json'), join(ws.dir, 'b', 'other-name.json'));
    await symlink('real', join(ws.dir, 'linked-folder'));
    // An apply holds the lock of the real file (a live process of this host).
    const lock = join(real, 'state.json.lock');
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    for (const state of [join(ws.dir, 'a', 'state.json'), join(ws.dir, 'b', 'other-name.json'), join(ws.dir, 'linked-folder', 'state.json')]) {
      const r = await cli(['apply', ws.config, '--yes', '--state', state, '--credentials-out', ws.creds]);
      expect(r.code, state).toBe(3);
      expect(r.stderr).toBe(`error: another apply holds the lock on ${state} (pid ${process.ppid} since 2026-01-01T00:00:00Z); if none is running, remove ${lock}\n`);
    }
    await expect(stat(join(real, 'state.json'))).rejects.toThrow(); // nothing applied
  });
});

describe('a hand-edited state file', () => {
  /** A state written by an apply of the quickstart, edited by `edit`, then planned against. */
  async function planWith(edit: (data: Record<string, any>, ids: Record<string, string>) => unknown) {
    const ws = await workspace('quickstart');
    expect((await ws.apply()).code).toBe(0);
    const data = JSON.parse(await readFile(ws.state, 'utf8'));
    const first = (table: string) => Object.keys(data[table])[0]!;
    const ids = Object.fromEntries(['products', 'product_versions', 'applications', 'registrations', 'credentials', 'auth_strategies'].map((t) => [t, first(t)]));
    const next = edit(data, ids);
    await writeFile(ws.state, typeof next === 'string' ? next : JSON.stringify(next ?? data, null, 2));
    const r = await ws.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    return { message: r.stderr.replace(`error: ${ws.state}: `, '').trimEnd(), ids };
  }

  it('names a registration whose application does not exist', async () => {
    const { message, ids } = await planWith((d, ids) => void (d.registrations[ids.registrations!].application_id = 'x'));
    expect(message).toBe(`registrations.${ids.registrations}: application_id "x" does not exist in applications; fix the record or restore the file`);
  });

  it('names a version whose product is missing', async () => {
    const { message, ids } = await planWith((d, ids) => void delete d.products[ids.products!]);
    expect(message).toBe(`product_versions.${ids.product_versions}: product_id "${ids.products}" does not exist in products; fix the record or restore the file`);
  });

  it.each([
    ['a null table', (d: Record<string, any>) => void (d.applications = null), 'applications: must be an object of records by id, not null'],
    ['a table that is a list', (d: Record<string, any>) => void (d.credentials = []), 'credentials: must be an object of records by id, not a list'],
    ['a record that is not an object', (d: Record<string, any>) => void (d.products.extra = 'p'), 'products.extra: must be an object, not "p"'],
    ['a record that is null', (d: Record<string, any>) => void (d.products.extra = null), 'products.extra: must be an object, not null'],
    ['a field of the wrong type', (d: Record<string, any>, ids: Record<string, string>) => void (d.applications[ids.applications!].name = 5), 'applications.<app>: name must be a string, not 5'],
    ['a label that is not a string', (d: Record<string, any>, ids: Record<string, string>) => void (d.applications[ids.applications!].labels.team = 5), 'applications.<app>: labels.team must be a string, not 5'],
    ['a nested field', (d: Record<string, any>, ids: Record<string, string>) => void (d.product_versions[ids.product_versions!].registration.enabled = 'yes'), 'product_versions.<version>: registration.enabled must be true or false, not "yes"'],
    [
      'two applications with one reference ID',
      (d: Record<string, any>, ids: Record<string, string>) => void (d.applications.copy = { ...d.applications[ids.applications!] }),
      'applications.copy: same reference_id as applications.<app>',
    ],
    ['an id with a newline', (d: Record<string, any>) => void (d.products['a\nb'] = 1), 'products.a\\nb: must be an object, not 1'],
  ])('names %s', async (_, edit, expected) => {
    const { message, ids } = await planWith(edit);
    expect(message).toBe(`${expected.replace('<app>', ids.applications!).replace('<version>', ids.product_versions!)}; fix the record or restore the file`);
  });

  it('says how many more problems there are', async () => {
    const { message } = await planWith((d) => {
      d.applications = null;
      d.products = 7;
    });
    expect(message).toBe('products: must be an object of records by id, not 7 (and 1 more); fix the record or restore the file');
  });

  it.each([
    ['text', 'not json\nat all', "the local state is not valid JSON (Unexpected token 'o'); restore it or remove it to start empty"],
    ['a broken object', '{\n  "format_version": 1,\n  oops\n}', 'the local state is not valid JSON (Expected double-quoted property name at line 3, column 3); restore it or remove it to start empty'],
    ['a list', '[]', 'the local state must be a JSON object'],
    ['null', 'null', 'the local state must be a JSON object'],
  ])('that is %s is one line', async (_, text, expected) => {
    const { message } = await planWith(() => text);
    expect(message).toBe(expected);
  });
});

describe('the checks of a transaction', () => {
  const ctx = { namespace: 'n' };
  function resource<K extends Kind>(kind: K, attrs: AttrsByKind[K]): AnyResource {
    const key = specOf(kind).key(attrs);
    return { kind, key, address: address(kind, key), attrs, protected: false } as unknown as AnyResource;
  }
  const strategy = (name: string) => resource('auth_strategy', { name, type: 'key_auth' } as AttrsByKind['auth_strategy']);
  const version = (name: string) => resource('product_version', { product: 'p', name, registration: { enabled: true, auth_strategy: 's1', auto_approve: true } });
  const app = (ref: string, auth_strategy?: string) => resource('application', { reference_id: ref, name: ref, ...(auth_strategy && { auth_strategy }) });
  const registration = (ref: string, v = 'v1') => resource('registration', { application: ref, product: 'p', version: v });
  const credential = (ref: string) => resource('credential', { application: ref, name: 'ci' });

  async function seeded(): Promise<StoreData> {
    const data = emptyStore();
    const tx = new LocalTransaction(data);
    for (const r of [strategy('s1'), strategy('s2'), resource('product', { name: 'p' }), version('v1'), version('v2')]) await tx.create(r, ctx);
    for (let i = 0; i < 200; i++) for (const r of [app(`a${i}`), registration(`a${i}`), credential(`a${i}`)]) await tx.create(r, ctx);
    return data;
  }

  /** Counts every listing of a table's records (Object.values, entries, keys, for…in). */
  function countScans(data: StoreData): { scans: number } {
    const counter = { scans: 0 };
    for (const table of ['auth_strategies', 'products', 'product_versions', 'applications', 'registrations', 'credentials'] as const) {
      (data as unknown as Record<string, object>)[table] = new Proxy(data[table], {
        ownKeys(target) {
          counter.scans++;
          return Reflect.ownKeys(target);
        },
      });
    }
    return counter;
  }

  const refused = async (write: Promise<unknown>, status: number, message: string) => {
    const error = await write.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).status).toBe(status);
    expect((error as BackendError).message).toBe(message);
  };

  it('hold through creates, updates, deletes and cascades, without listing a table once built', async () => {
    const data = await seeded();
    const counter = countScans(data);
    const tx = new LocalTransaction(data);
    counter.scans = 0;

    for (let i = 200; i < 400; i++) for (const r of [app(`a${i}`), registration(`a${i}`), credential(`a${i}`)]) await tx.create(r, ctx);
    await refused(tx.create(app('a0'), ctx), 409, 'an application with reference ID "a0" already exists');
    await refused(tx.create(registration('a0'), ctx), 409, 'application "a0" is already registered to p/v1');
    await refused(tx.create(credential('a399'), ctx), 409, 'credential "ci" of "a399" already exists');

    // Deleting an application takes its registration and credential (storeProblems below finds any
    // dangling reference); all three can be created again.
    await tx.delete('application.a0');
    for (const r of [app('a0'), registration('a0'), credential('a0')]) await tx.create(r, ctx);

    // Deleting a version takes every registration to it: none is "already registered" afterwards.
    await tx.delete('product_version.p/v1');
    await refused(tx.create(registration('a1'), ctx), 404, 'product version "p/v1" does not exist');
    await tx.create(version('v1'), ctx);
    await tx.create(registration('a1'), ctx);
    await tx.create(registration('a1', 'v2'), ctx);

    // A strategy is in use while a version or an application refers to it, as updates leave it.
    await tx.update(app('a2', 's2'), ctx);
    await refused(tx.delete('auth_strategy.s2'), 409, 'auth strategy is in use by application a2');
    await refused(tx.delete('auth_strategy.s1'), 409, 'auth strategy is in use by version p/v2, version p/v1');
    await tx.update(app('a2'), ctx);
    await tx.delete('auth_strategy.s2');

    // Deleting the product takes its versions and their registrations; then s1 is free.
    await tx.delete('product.p');
    await tx.delete('auth_strategy.s1');
    await tx.create(strategy('s1'), ctx);
    await tx.create(resource('product', { name: 'p' }), ctx);
    await tx.create(version('v1'), ctx);
    await tx.create(registration('a1'), ctx);

    expect(counter.scans).toBe(0);
    expect(storeProblems(data as unknown as Record<string, unknown>)).toEqual([]);
    expect(Object.keys(data.registrations)).toHaveLength(1);
    expect(Object.keys(data.credentials)).toHaveLength(400);
  });
});
