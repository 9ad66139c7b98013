import { open } from 'node:fs/promises';
import { describeFsError } from './files.js';
import { error, type Problem } from '../diagnostics/problems.js';

/**
 * Largest config file read. Real configs are far smaller (10,000 applications fit in a few MB);
 * the limit keeps a stray huge file from taking memory and minutes before it is refused.
 */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; problem: Problem };

/**
 * Reads a config file as UTF-8 text, refusing what cannot be YAML: files over MAX_FILE_BYTES,
 * binary files (a NUL byte), UTF-16/32 and invalid UTF-8 (pointing at the line and column of the
 * first bad byte). A UTF-8 byte-order mark is dropped.
 */
export async function readConfigFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const refused = refuseSize(path, size, maxBytes);
      if (refused) return refused;
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    return fail(describeFsError(path, cause));
  }
  return decodeConfigBytes(path, bytes, maxBytes);
}

/** The refusal of a file of `size` bytes when that is over `maxBytes` (checked before reading it). */
export function refuseSize(file: string, size: number, maxBytes = MAX_FILE_BYTES): ReadResult | undefined {
  return size > maxBytes ? fail(tooLarge(size, maxBytes), { file, line: 1, col: 1 }) : undefined;
}

/**
 * A config file's bytes as text, by the rules of readConfigFile; `file` names it in problems. Also
 * used for a file read from elsewhere than the work tree (git's objects at a ref).
 */
export function decodeConfigBytes(file: string, bytes: Buffer, maxBytes = MAX_FILE_BYTES): ReadResult {
  // The size may have grown between stat and read (a file being written): check what was read.
  const refused = refuseSize(file, bytes.length, maxBytes);
  if (refused) return refused;

  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    return fail('UTF-16 or UTF-32 text is not supported; save the file as UTF-8', position(file, bytes, 0));
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return fail('binary file (NUL byte); config files are UTF-8 YAML text', position(file, bytes, nul));

  const start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start)) };
  } catch {
    const bad = firstInvalidUtf8(bytes, start);
    return fail('invalid UTF-8 (config files must be UTF-8 text)', position(file, bytes, bad));
  }
}

function fail(message: string, at?: ReturnType<typeof position>): ReadResult {
  return { ok: false, problem: error(message, at) };
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function tooLarge(size: number, limit: number): string {
  return `file too large (${mib(size)}; the limit is ${mib(limit)} per file)`;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Line and column (in characters of the valid text before it) of byte offset `at`. */
function position(file: string, bytes: Buffer, at: number) {
  const before = bytes.subarray(0, at);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  let line = 1;
  for (let i = before.indexOf(0x0a); i !== -1; i = before.indexOf(0x0a, i + 1)) line++;
  const col = Buffer.from(bytes.subarray(lineStart, at)).toString('utf8').length + 1;
  return { file, line, col };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer, start: number): number {
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    const seq = bytes.subarray(i, i + len);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(seq);
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
}
