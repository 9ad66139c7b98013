import { Option, type Command } from 'commander';
import type { Backend } from '../backends/backend.js';
import { BACKEND_NAMES, openBackend as open, type BackendName } from '../backends/registry.js';

export interface BackendOptions {
  backend: BackendName;
  state: string;
  namespace?: string;
}

/** The options every command that talks to a portal shares. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--backend <type>', 'where the portal lives; local: the embedded portal, kept in the --state file').choices(BACKEND_NAMES).default('local'),
    )
    .option('--state <file>', 'local backend: the state file (created on first apply)', '.portalctl/state.json')
    .option('--namespace <name>', "ownership label; overrides the config's namespace");
}

export function openBackend(options: BackendOptions): Backend {
  return open(options.backend, options);
}
