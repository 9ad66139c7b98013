// The secret scanner every test that handles secrets uses: given the secret values and what a run
// wrote (texts and directories), it fails on any hit, in the clear or in a common encoding.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

/** What to scan: named texts (stdout, stderr, a log) and directories (every file under them, recursively). */
export interface ScanTargets {
  texts?: Record<string, string>;
  dirs?: readonly string[];
  /** Files to leave out (the --credentials-out file, which holds keys on purpose; the config that names them). */
  except?: readonly string[];
}

export interface ScanResult {
  /** `<where>: <secret name> (<encoding>)`, one per hit; never the secret itself. */
  hits: string[];
  /** How many texts and files, and how many bytes, were scanned. */
  scanned: { texts: number; files: number; bytes: number };
}

/** Secrets shorter than this would match by chance (a status, a number): a test must pick distinctive values. */
const MIN_SECRET_LENGTH = 6;

/**
 * The forms a secret may take in output: as is, JSON-escaped, URL-encoded (both ways of spaces),
 * base64 and base64url (at each of the three alignments it may have inside a longer encoded text,
 * with the partial characters at its edges dropped), and hex.
 */
export function encodings(secret: string): Map<string, string> {
  const forms = new Map<string, string>();
  const add = (name: string, form: string) => {
    if (form.length >= MIN_SECRET_LENGTH && ![...forms.values()].includes(form)) forms.set(name, form);
  };
  add('clear', secret);
  add('JSON-escaped', JSON.stringify(secret).slice(1, -1));
  add('URL-encoded', encodeURIComponent(secret));
  add('form-encoded', new URLSearchParams({ x: secret }).toString().slice(2));
  const bytes = Buffer.from(secret, 'utf8');
  for (const shift of [0, 1, 2]) {
    // The secret after `shift` bytes of something else: the encoded characters that depend on the secret alone.
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const skip = shift === 0 ? 0 : Math.ceil((shift * 8) / 6);
    const keep = Math.floor((padded.length * 8) / 6);
    add(`base64+${shift}`, padded.toString('base64').slice(skip, keep));
    add(`base64url+${shift}`, padded.toString('base64url').slice(skip, keep));
  }
  add('hex', bytes.toString('hex'));
  return forms;
}

/** Every file under `dir`, recursively (symbolic links are not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Scans the targets for the secrets (named, so that a hit names which one without printing it). */
export async function scanForSecrets(secrets: Record<string, string>, targets: ScanTargets): Promise<ScanResult> {
  const forms: [string, string, string][] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SECRET_LENGTH) throw new Error(`secret ${name} is too short to scan for (${value.length} characters): pick a distinctive value`);
    for (const [encoding, form] of encodings(value)) forms.push([name, encoding, form]);
  }
  const hits: string[] = [];
  const scanned = { texts: 0, files: 0, bytes: 0 };
  const scan = (where: string, text: string) => {
    scanned.bytes += text.length;
    const lower = text.toLowerCase();
    for (const [name, encoding, form] of forms) {
      // hex may be written in capitals; every other form is case-sensitive.
      if (encoding === 'hex' ? lower.includes(form) : text.includes(form)) hits.push(`${where}: ${name} (${encoding})`);
    }
  };
  for (const [where, text] of Object.entries(targets.texts ?? {})) {
    scanned.texts++;
    scan(where, text);
  }
  const except = new Set((targets.except ?? []).map((f) => resolve(f)));
  for (const dir of targets.dirs ?? []) {
    for (const file of await filesUnder(dir)) {
      if (except.has(resolve(file))) continue;
      scanned.files++;
      const raw = await readFile(file);
      scan(file, raw.toString('utf8'));
      // A file that is not ASCII is also read byte for byte, so a secret next to invalid UTF-8 is found too.
      if (raw.some((b) => b >= 0x80)) scan(`${file} (bytes)`, raw.toString('latin1'));
    }
  }
  return { hits: [...new Set(hits)], scanned };
}

/** Fails the test on any hit, naming where and which secret (never its value). Returns what was scanned. */
export async function expectNoSecrets(secrets: Record<string, string>, targets: ScanTargets): Promise<ScanResult['scanned']> {
  const { hits, scanned } = await scanForSecrets(secrets, targets);
  expect(hits, `secrets found:\n${hits.join('\n')}`).toEqual([]);
  // A scan of nothing proves nothing.
  expect(scanned.texts + scanned.files, 'the secret scan was given nothing to scan').toBeGreaterThan(0);
  return scanned;
}

/** The outputs of CLI runs as named texts: `<name> stdout`, `<name> stderr`. */
export function outputsOf(runs: Record<string, { stdout: string; stderr: string }>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, r] of Object.entries(runs)) {
    texts[`${name} stdout`] = r.stdout;
    texts[`${name} stderr`] = r.stderr;
  }
  return texts;
}
