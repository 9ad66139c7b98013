import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCode, UserError } from '../../errors.js';
import { currentProcess, probeProcess, type ProcessIdentity } from './process-identity.js';

/** What a lock file holds: who took it and when, and a nonce that names this one lock and no other. */
export interface LockRecord extends ProcessIdentity {
  since: string;
  nonce: string;
}

/** An empty or unparsable lock younger than this is taken to be one being written (by an older portalctl). */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;
/** How often a claim looks at the lock (it may change hands between looks) before giving up. */
const LOOKS = 5;
/** Take-overs of take-overs (each needs a crash inside the last one) before giving up. */
const MAX_TAKEOVER_DEPTH = 3;

/**
 * Takes the apply lock `lock` of the state file `state` (named as the user gave it, for messages) and
 * returns its release. A lock whose process has ended on this host is taken over; a live one, one
 * from another host, and one that cannot be read yet refuse with exit code 3.
 *
 * Why this is atomic:
 * - a lock is created whole: its content goes to a temporary file that is then hard-linked to the lock
 *   name, which fails with EEXIST when the name is taken, so no reader ever sees a lock half written
 *   by portalctl;
 * - a stale lock is replaced only by the one process that creates, exclusively in the same way, the
 *   take-over token named after that lock's identity (its nonce). The winner re-reads the lock, and
 *   only if it is still the stale one it judged, renames its own lock over it (no moment without a
 *   lock). Every other process fails on the lock or on the token, reads a live holder and refuses.
 *   A token left by a crash is itself a stale lock, taken over by the same rule.
 */
export async function acquireLock(lock: string, state: string): Promise<() => Promise<void>> {
  const me = currentProcess();
  try {
    await mkdir(dirname(lock), { recursive: true });
    const nonce = await claim(lock, me, 0);
    return () => release(lock, nonce);
  } catch (cause) {
    if (cause instanceof LockHeld) throw new UserError(refusal(cause, lock, state), ExitCode.refused);
    const code = (cause as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot take the lock ${lock} on ${state} (${code})`, ExitCode.error, { cause });
    throw cause;
  }
}

/** A lock file as read: its record when it parses, and what identifies this very file. */
interface Holder {
  record?: LockRecord | (Partial<LockRecord> & { pid: number });
  /** The nonce, or for a lock without one (older portalctl, unreadable) its inode, mtime and size. */
  identity: string;
  ageMs: number;
}

type Verdict = 'held' | 'stale' | 'foreign' | 'unreadable';

class LockHeld extends Error {
  constructor(
    readonly holder: Holder | undefined,
    readonly verdict: Verdict | 'stuck' | 'busy',
  ) {
    super('lock held');
  }
}

/** Creates `name` as our lock, taking over a stale holder; returns the nonce written. */
async function claim(name: string, me: ProcessIdentity, depth: number): Promise<string> {
  for (let look = 0; look < LOOKS; look++) {
    const mine: LockRecord = { ...me, since: new Date().toISOString(), nonce: randomBytes(12).toString('hex') };
    if (await createExclusive(name, mine)) return mine.nonce;
    const holder = await readHolder(name);
    if (holder === undefined) continue; // released meanwhile
    const verdict = judge(holder, me);
    if (verdict !== 'stale') throw new LockHeld(holder, verdict);
    if (depth === MAX_TAKEOVER_DEPTH) throw new LockHeld(holder, 'stuck');
    const token = `${name}.takeover-${holder.identity}`;
    let tokenNonce: string;
    try {
      tokenNonce = await claim(token, me, depth + 1);
    } catch (cause) {
      // Another process is taking it over (a matter of milliseconds): look again, so that the refusal
      // names the lock's new holder rather than a taker that may yet lose to an earlier one.
      if (!(cause instanceof LockHeld) || cause.verdict !== 'held' || look === LOOKS - 1) throw cause;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    try {
      if ((await readHolder(name))?.identity !== holder.identity) continue; // it changed since judged: look again
      await replace(name, mine);
      return mine.nonce;
    } finally {
      await release(token, tokenNonce);
    }
  }
  throw new LockHeld(undefined, 'busy');
}

/** Whether the holder may be taken over: only a process of this host that is known to have ended. */
function judge(holder: Holder, me: ProcessIdentity): Verdict {
  const r = holder.record;
  if (r === undefined) return holder.ageMs > UNREADABLE_LOCK_GRACE_MS ? 'stale' : 'unreadable';
  if (r.host !== undefined && r.host !== me.host) return 'foreign'; // its pids mean nothing here
  if (r.boot_id !== undefined && me.boot_id !== undefined && r.boot_id !== me.boot_id) return 'stale'; // taken before a reboot
  const now = probeProcess(r.pid);
  if (!now.running) return 'stale';
  // The pid runs, but is it the same process? (A container's pid 1 is a new process each run.)
  if (r.start_time !== undefined && now.startTime !== undefined && r.start_time !== now.startTime) return 'stale';
  return 'held';
}

async function createExclusive(name: string, record: LockRecord): Promise<boolean> {
  const temp = await writeTemp(name, record);
  try {
    await link(temp, name);
    return true;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw cause;
    // No hard links on this file system: an exclusive create, which readers may briefly see empty.
    try {
      await writeFile(name, lockText(record), { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Puts our lock in place of the one at `name` in one step. */
async function replace(name: string, record: LockRecord): Promise<void> {
  const temp = await writeTemp(name, record);
  try {
    await rename(temp, name);
  } catch (cause) {
    await rm(temp, { force: true });
    throw cause;
  }
}

async function writeTemp(name: string, record: LockRecord): Promise<string> {
  const temp = `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, lockText(record), { flag: 'wx' });
  return temp;
}

function lockText(record: LockRecord): string {
  return JSON.stringify(record) + '\n';
}

/** Removes the lock at `name` if it is still the one we wrote. */
async function release(name: string, nonce: string): Promise<void> {
  if ((await readHolder(name).catch(() => undefined))?.record?.nonce === nonce) await rm(name, { force: true });
}

/** The lock at `name` (content and identity from one open file), or undefined when there is none. */
async function readHolder(name: string): Promise<Holder | undefined> {
  let handle;
  try {
    handle = await open(name, 'r');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    const record = parseRecord(await handle.readFile('utf8'));
    const identity = record?.nonce ?? `f${stat.ino}-${stat.mtimeNs}-${stat.size}`;
    return { ...(record && { record }), identity, ageMs: Date.now() - Number(stat.mtimeMs) };
  } finally {
    await handle.close();
  }
}

/** A lock's record: anything that is not an object with a pid is unreadable, never an error. */
function parseRecord(text: string): Holder['record'] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return undefined;
  const str = (key: string) => (typeof v[key] === 'string' && v[key] !== '' ? { [key]: v[key] as string } : {});
  const nonce = typeof v.nonce === 'string' && /^[0-9a-f]{8,64}$/.test(v.nonce) ? { nonce: v.nonce } : {};
  return { pid: v.pid as number, ...str('host'), ...str('boot_id'), ...str('start_time'), ...str('since'), ...nonce };
}

function refusal(held: LockHeld, lock: string, state: string): string {
  const r = held.holder?.record;
  const who = r ? `pid ${r.pid} since ${printable(r.since ?? '?')}` : '';
  switch (held.verdict) {
    case 'foreign':
      return `another apply on host "${printable(r!.host!)}" holds the lock on ${state} (${who}); it cannot be checked from this host: if it no longer runs, remove ${lock}`;
    case 'unreadable':
      return `another apply holds the lock on ${state} (its lock file is empty or not JSON yet; taken over once ${UNREADABLE_LOCK_GRACE_MS / 1000} s old); if none is running, remove ${lock}`;
    case 'stuck':
      return `cannot take over the stale lock on ${state}: earlier take-overs were interrupted; remove ${lock} and ${lock}.takeover-*`;
    case 'busy':
      return `the lock on ${state} changed hands while it was checked; try again`;
    default:
      return `another apply holds the lock on ${state} (${r ? who : 'its lock file is being replaced'}); if none is running, remove ${lock}`;
  }
}

/** A value from a lock file, safe on one line. */
function printable(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}
