import { Option, type Command } from 'commander';
import { LocalBackend } from '../backends/local/local-backend.js';
import type { Backend } from '../backends/backend.js';

/** The backends this build can open: only these are offered by --backend. */
const BACKENDS = ['local'] as const;

export interface BackendOptions {
  backend: (typeof BACKENDS)[number];
  state: string;
  namespace?: string;
}

/** The options every command that talks to a portal shares. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <type>', 'where the portal lives; local: the embedded portal, kept in the --state file').choices(BACKENDS).default('local'),
    )
    .option('--state <file>', 'local backend: the state file (created on first apply)', '.portalctl/state.json')
    .option('--namespace <name>', "ownership label; overrides the config's namespace");
}

export function openBackend(options: BackendOptions): Backend {
  switch (options.backend) {
    case 'local':
      return new LocalBackend(options.state);
  }
}
