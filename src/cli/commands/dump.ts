import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { stringify } from 'yaml';
import { commonOwner, stateToConfig } from '../../dump/to-config.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';

interface DumpOptions extends BackendOptions {
  out?: string;
  format: 'yaml' | 'json';
}

export function registerDump(program: Command, ctx: Context): void {
  addBackendOptions(program.command('dump').description('write the live portal as config: the way to adopt an existing portal'))
    .option('--out <dir>', 'write <dir>/portal.yaml (or .json) instead of printing')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText('after', '\nCredential keys are never dumped (the portal keeps only their hashes): only credential names are.\n')
    .action(async (options: DumpOptions) => {
      const live = await openBackend(options).read();
      const { config, envNames } = stateToConfig(live, options.namespace ?? commonOwner(live) ?? 'default');
      if (envNames.length > 0) {
        ctx.io.stderr(`note: ${envNames.length} values came from the environment and are not stored; the dump reads them from: ${envNames.join(', ')}\n`);
      }
      const text =
        options.format === 'json'
          ? JSON.stringify(config, null, 2) + '\n'
          : `# yaml-language-server: $schema=https://portalctl.dev/schemas/portalctl.schema.json\n${stringify(config, { lineWidth: 0 })}`;
      if (options.out === undefined) {
        ctx.io.stdout(text);
        return;
      }
      const file = join(options.out, `portal.${options.format}`);
      await writeFileAtomic(file, text);
      ctx.io.stdout(`wrote ${file}\n`);
    });
}
