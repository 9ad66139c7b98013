import { Option, type Command } from 'commander';
import type { Backend } from '../backends/backend.js';
import { BACKEND_NAMES, openBackend as open, type BackendName } from '../backends/registry.js';
import type { Io } from './io.js';
import { wholeNumber } from './whole-number.js';
import { DEFAULT_PARALLELISM } from '../backends/konnect/connection.js';

export interface BackendOptions {
  backend: BackendName;
  state: string;
  namespace?: string;
  konnectUrl?: string;
  region?: string;
  portal?: string;
  portalUrl?: string;
  parallelism?: string;
  insecure?: boolean;
  /** Set before the action runs: the command's config paths, and the program's --debug. */
  configPaths?: string[];
  debug?: boolean;
}

/** The options every command that talks to a portal shares. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <type>', 'where the portal lives; local: the embedded portal, kept in the --state file; konnect: Kong Konnect (Dev Portal v3); konnect-classic: the classic Dev Portal (v2)')
        .choices(BACKEND_NAMES)
        .default('local'),
    )
    .option('--state <file>', 'local backend: the state file (created on first apply)', '.portalctl/state.json')
    .option('--namespace <name>', "ownership label; overrides the config's namespace")
    .option('--konnect-url <url>', 'konnect: the admin API base URL (default: from --region)')
    .option('--region <region>', 'konnect: us (default), eu, au, me, in or sg')
    .option('--portal <name|id>', "konnect: the portal (default: the config's portal, else the organisation's only one)")
    .option('--portal-url <url>', "konnect: the portal's own URL, for the developer session (default: https://<its canonical domain>)")
    .option('--parallelism <n>', `konnect: requests in flight at most (default ${DEFAULT_PARALLELISM})`)
    .option('--insecure', 'konnect: send the token and the developer password over plain http to a host that is not this machine (they cross the network in clear)')
    .hook('preAction', (_self, action) => {
      action.setOptionValue('configPaths', action.args);
      action.setOptionValue('debug', action.optsWithGlobals<{ debug?: boolean }>().debug === true);
    });
}

/** The backend the options name. `io` gives the konnect backend its environment and --debug lines. */
export function openBackend(options: BackendOptions, io?: Io): Backend {
  return open(options.backend, {
    ...options,
    ...(io && { env: io.env }),
    ...(io && options.debug && { hooks: { debug: (line: string) => io.stderr(`debug: ${line}\n`) } }),
  });
}

/** The --concurrency option of the commands that apply: its help says the default. */
export const CONCURRENCY_HELP = `writes in flight at once (default: --parallelism, ${DEFAULT_PARALLELISM} when that is not given either)`;

/**
 * Writes in flight at once: --concurrency, else as many as --parallelism lets requests be in flight.
 * Most writes are one request, so fewer writes than that would leave requests the bound allows unsent
 * (a konnect apply then takes parallelism/concurrency times longer); more only queue for a request
 * slot. The local backend's writes do not wait, so the number changes nothing there.
 */
export function writeConcurrency(options: { concurrency?: string; parallelism?: string }): number {
  if (options.concurrency !== undefined) return Math.max(1, wholeNumber('--concurrency', options.concurrency));
  // An invalid --parallelism is refused, in one line, when the backend opens.
  const parallelism = options.parallelism !== undefined && /^\s*\d+\s*$/.test(options.parallelism) ? Number(options.parallelism) : DEFAULT_PARALLELISM;
  return Math.max(1, parallelism);
}
