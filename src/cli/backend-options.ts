import { Option, type Command } from 'commander';
import { LocalBackend } from '../backends/local/local-backend.js';
import type { Backend } from '../backends/backend.js';
import { UserError } from '../errors.js';

export interface BackendOptions {
  backend: 'local' | 'konnect';
  state: string;
  namespace?: string;
}

/** The options every command that talks to a portal shares. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <type>', 'where the portal lives').choices(['local', 'konnect']).default('local'))
    .option('--state <file>', 'local backend: the state file (created on first apply)', '.portalctl/state.json')
    .option('--namespace <name>', "ownership label; overrides the config's namespace");
}

export function openBackend(options: BackendOptions): Backend {
  if (options.backend === 'konnect') {
    throw new UserError('the konnect backend is not available yet: use --backend local');
  }
  return new LocalBackend(options.state);
}
