import { afterAll, beforeAll } from 'vitest';
import { observeExchanges, type Exchange } from '../../src/emulator/index.js';
import { isAllowed } from './allowed.js';
import { checkExchange, formatViolation, type Violation } from './check-exchange.js';
import { loadSpecIndex, SPECS_DIR, type SpecIndex } from './spec-index.js';

/*
 * The contract check, for any test file that starts emulators (startEmulator, the emulator command
 * in-process, or a backend driving one). To join, call at the top level of the file:
 *
 *     import { checkContract } from '../contract/recorder.js';
 *     checkContract();
 *
 * Every exchange of every emulator the file starts is then checked against the operation of
 * Konnect's specs (../shared/konnect-api) with that method and path, and the file fails after its
 * tests with one line per violation. Without the specs folder it checks nothing and says so once.
 * Requests a test sends wrong on purpose are fine as long as the emulator refuses them (400, 401,
 * 413, 415): only the refusal's shape is checked then.
 */

let index: SpecIndex | undefined | null = null;
/** The specs' index (loaded once per test process), or undefined without the folder. */
export function specIndex(): SpecIndex | undefined {
  if (index === null) index = loadSpecIndex();
  return index;
}

export const SKIPPED = `contract check skipped: Konnect's specs are not at ${SPECS_DIR} (they are in CI)`;

/** The exchanges seen since it started, and their violations against the specs (allow-listed ones left out). */
export class ContractRecorder {
  readonly exchanges: Exchange[] = [];
  #stop: (() => void) | undefined;

  start(): this {
    this.#stop ??= observeExchanges((e) => this.exchanges.push(e));
    return this;
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Checks the exchanges so far (and forgets them); undefined without the specs. */
  take(): Violation[] | undefined {
    const specs = specIndex();
    const exchanges = this.exchanges.splice(0);
    if (specs === undefined) return undefined;
    return exchanges.flatMap((e) => checkExchange(specs, e)).filter((v) => !isAllowed(v));
  }
}

/** Fails with one line per violation. */
export function assertNoViolations(violations: readonly Violation[]): void {
  if (violations.length === 0) return;
  const lines = [...new Set(violations.map(formatViolation))];
  throw new Error(`${lines.length} contract violation(s) against Konnect's specs:\n  ${lines.join('\n  ')}`);
}

/** Joins the calling test file to the contract check (see the comment at the top of this file). */
export function checkContract(): ContractRecorder {
  const recorder = new ContractRecorder();
  beforeAll(() => void recorder.start());
  afterAll(() => {
    recorder.stop();
    const violations = recorder.take();
    if (violations === undefined) return console.warn(SKIPPED);
    assertNoViolations(violations);
  });
  return recorder;
}
