import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

// plan reads the local state while it reads and parses the config: what it reports must not depend on which finishes first.
describe('the live state read alongside the config', () => {
  const setup = async (config: string, state: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'portalctl-overlap-'));
    await writeFile(join(dir, 'portal.yaml'), config);
    await writeFile(join(dir, 'state.json'), state);
    return dir;
  };

  it('reports a broken state file first, as before, even when the config is broken too', async () => {
    const dir = await setup('applications: [\n', '{"format_version":1,');
    const r = await cli(['plan', join(dir, 'portal.yaml'), '--state', join(dir, 'state.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${join(dir, 'state.json')}: the local state is not valid JSON (Expected double-quoted property name at line 1, column 21); restore it or remove it to start empty\n`);
  });

  it('reports a broken state file first when a path does not exist', async () => {
    const dir = await setup('namespace: a\n', '[]');
    const r = await cli(['plan', join(dir, 'missing.yaml'), '--state', join(dir, 'state.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${join(dir, 'state.json')}: the local state must be a JSON object\n`);
  });

  it('resolves references into sections the files leave out through the live state it read meanwhile', async () => {
    const products = 'auth_strategies: [{ name: key-auth, type: key_auth }]\nproducts:\n  - name: billing\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: key-auth } }]\n';
    const dir = await setup(products, '{"format_version":1}');
    expect((await cli(['apply', join(dir, 'portal.yaml'), '--state', join(dir, 'state.json'), '--yes'])).code).toBe(0);
    await writeFile(join(dir, 'apps.yaml'), 'applications:\n  - reference_id: a\n    name: A\n    registrations: [{ product: billing, version: v1 }]\n');
    const r = await cli(['plan', join(dir, 'apps.yaml'), '--state', join(dir, 'state.json'), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes.map((c: { address: string }) => c.address)).toEqual(['application.a', 'registration.a/billing/v1']);
  });
});
