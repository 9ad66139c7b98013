import { checkContract } from './recorder.js';

/*
 * The contract check for every test file of the suite, opt-in: list this file in vitest's
 * `setupFiles` and run with PORTALCTL_CONTRACT=1. (Files that build states by hand with ids that
 * are not UUIDs, such as test/emulator/runtime.test.ts, are not meant to conform.)
 */
if (process.env.PORTALCTL_CONTRACT === '1') checkContract();
