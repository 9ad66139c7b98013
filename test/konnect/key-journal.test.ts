// The journal of keys being made (<credentials-out>.pending): a credential the portal made while
// portalctl died before saving its key is made again by the next run, and nothing else is.
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const TOKEN = 'kpat_journal';
const DEV = { email: 'dev@example.com', password: 'pw-journal' };
const ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEV.email, KONNECT_PORTAL_PASSWORD: DEV.password };
const ADDRESS = 'credential.mobile-banking/ci';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** The quickstart applied on a fresh emulator; its credential's key is in creds.json. */
async function applied() {
  const emu = await startEmulator({ port: 0, token: TOKEN, developers: [DEV] });
  running.push(emu);
  const dir = await tempDir();
  const args = ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl];
  const config = join(ROOT, 'examples/quickstart');
  const creds = join(dir, 'creds.json');
  const first = await cli(['apply', config, ...args, '--yes', '--credentials-out', creds], ENV);
  expect(first.code, first.stderr).toBe(0);
  expect(existsSync(`${creds}.pending`)).toBe(false);
  const credentialIds = () => Object.keys(emu.state.data.credentials);
  return { emu, dir, args, config, creds, credentialIds };
}

/** What a kill between the portal's answer and the key's write leaves: the credential live, its address journalled, no key. */
async function loseKey(creds: string, journal: string[]): Promise<void> {
  const keys = JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>;
  delete keys[ADDRESS];
  await writeFile(creds, JSON.stringify(keys));
  await writeFile(`${creds}.pending`, JSON.stringify(journal));
}

describe('a credential whose key an interrupted apply never saved', () => {
  it('is planned as a reissue from the journal, made again by apply, and the journal settles', async () => {
    const { args, config, creds, credentialIds } = await applied();
    const [before] = credentialIds();
    await loseKey(creds, [ADDRESS, 'credential.gone-app/ci']);

    // A plan that does not read the credentials file cannot know; one that does says why.
    expect((await cli(['plan', config, ...args, '--detailed-exitcode'], ENV)).code).toBe(0);
    const plan = await cli(['plan', config, ...args, '--credentials-out', creds, '--detailed-exitcode'], ENV);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('replacing credential mobile-banking/ci (its key was lost by an interrupted apply: made again with a new key)');
    const json = await cli(['plan', config, ...args, '--credentials-out', creds, '--format', 'json'], ENV);
    expect(JSON.parse(json.stdout).changes).toMatchObject([{ address: ADDRESS, action: 'replace', reissue: true }]);

    const apply = await cli(['apply', config, ...args, '--yes', '--credentials-out', creds], ENV);
    expect(apply.code, apply.stderr).toBe(0);
    const keys = JSON.parse(await readFile(creds, 'utf8')) as Record<string, string>;
    expect(keys[ADDRESS]).toMatch(/\S{8,}/);
    // One credential, a new one; the journal is gone (the entry of an application that is not live with it).
    expect(credentialIds()).toHaveLength(1);
    expect(credentialIds()[0]).not.toBe(before);
    expect(existsSync(`${creds}.pending`)).toBe(false);
    expect((await cli(['plan', config, ...args, '--credentials-out', creds, '--detailed-exitcode'], ENV)).code).toBe(0);
  });

  it('a journalled credential whose key is in the file is left alone, and so is a saved plan made without the journal', async () => {
    const { dir, args, config, creds, credentialIds } = await applied();
    const [before] = credentialIds();
    await writeFile(`${creds}.pending`, JSON.stringify([ADDRESS]));
    expect((await cli(['plan', config, ...args, '--credentials-out', creds, '--detailed-exitcode'], ENV)).code).toBe(0);

    await loseKey(creds, [ADDRESS]);
    const saved = join(dir, 'plan.json');
    expect((await cli(['plan', config, ...args, '--out', saved], ENV)).code).toBe(0);
    const apply = await cli(['apply', '--plan', saved, ...args, '--yes', '--credentials-out', creds], ENV);
    expect(apply.code, apply.stderr).toBe(0);
    // The saved plan did not look at the journal: the entry stays for the next plan to act on.
    expect(JSON.parse(await readFile(`${creds}.pending`, 'utf8'))).toEqual([ADDRESS]);
    expect(credentialIds()).toEqual([before]);
    expect((await cli(['apply', config, ...args, '--yes', '--credentials-out', creds], ENV)).code).toBe(0);
    expect(existsSync(`${creds}.pending`)).toBe(false);
    expect(credentialIds()).toHaveLength(1);
    expect(credentialIds()[0]).not.toBe(before);
  });

  it('a journal that is not a list of addresses stops the apply before anything changes', async () => {
    const { args, config, creds, credentialIds } = await applied();
    await writeFile(`${creds}.pending`, '{"not": "a list"}');
    const r = await cli(['apply', config, ...args, '--yes', '--credentials-out', creds], ENV);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*creds\.json\.pending: is not a journal of keys being made/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(credentialIds()).toHaveLength(1);
  });
});
