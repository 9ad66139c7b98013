import { run } from './program.js';

// The process entry point (bin/portalctl.js): run, then exit with the command's code once output is flushed.
process.exitCode = await run(process.argv.slice(2));
