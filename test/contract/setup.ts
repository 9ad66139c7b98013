import { checkContract } from './recorder.js';

/*
 * The contract check for every test file of the suite (vitest.config.ts `setupFiles`): every exchange
 * with an emulator that a test file starts is checked against Konnect's specs, when they are present.
 */
checkContract();
