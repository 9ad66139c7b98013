import { inspect } from 'node:util';

const HIDDEN = '(secret)';

/**
 * A value that must never be shown: the Konnect token, the developer's password, the session cookie.
 * Printing, inspecting or serialising it shows `(secret)`; only `reveal()` gives the value, at the
 * one place that puts it on the wire.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return HIDDEN;
  }
  toJSON(): string {
    return HIDDEN;
  }
  [inspect.custom](): string {
    return HIDDEN;
  }
}

/**
 * Removes every known secret from a text before it reaches a message or a debug line: a belt to the
 * braces of never putting one there, for answers that echo what they were sent.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  add(secret: Secret): void {
    // Very short values would blank out ordinary words; real tokens and cookies are long.
    if (secret.reveal().length >= 4) this.#secrets.add(secret.reveal());
  }
  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join(HIDDEN);
    return out;
  }
  /** A parsed JSON value with every string redacted (an error body kept on an error object). */
  redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.redactValue(v)]));
    }
    return value;
  }
}
