import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { quote } from '../../diagnostics/quote.js';
import { SPECS } from '../../model/kinds/index.js';
import { configText, type DumpFormat } from '../../dump/serialize.js';
import { withDumpHeader } from '../../dump/header.js';
import { UserError } from '../../errors.js';
import { stateToConfig } from '../../dump/to-config.js';
import { commonOwner, sliceByOwner } from '../../model/owner.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';

interface DumpOptions extends BackendOptions {
  out?: string;
  format: DumpFormat;
  ownedOnly?: boolean;
  all?: boolean;
}

export function registerDump(program: Command, ctx: Context): void {
  addBackendOptions(program.command('dump').description('write the live portal as config: the way to adopt an existing portal'))
    .option('--out <dir>', 'write <dir>/portal.yaml (or .json) instead of printing')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--owned-only', 'leave out objects that carry no owner label (included by default, to be adopted)')
    .option('--all', "dump every object, whatever namespace owns it, with a note naming each object's owner")
    .addHelpText(
      'after',
      '\nOne namespace is dumped: --namespace, else the one that owns most objects. Objects of other namespaces are left out' +
        ' (a note says which); objects without an owner label are included, for `apply --adopt` to take over.' +
        '\nCredential keys are never dumped (the portal keeps only their hashes): only credential names are.\n',
    )
    .action(async (options: DumpOptions) => {
      checkNamespaceFlag(options.namespace);
      const backend = openBackend(options, ctx.io);
      const live = await backend.read();
      const namespace = options.namespace ?? commonOwner(live) ?? 'default';
      if (options.all && options.ownedOnly) throw new UserError('--all and --owned-only contradict each other: choose one');
      const slice = options.all ? { state: live, otherNamespaces: new Map<string, number>(), unowned: 0 } : sliceByOwner(live, namespace, options.ownedOnly !== true);
      const { config, envNames } = stateToConfig(slice.state, namespace);

      if (options.all) {
        // Everything, whoever owns it: say so per object, since planning it as one namespace would not touch the others'.
        for (const r of live.all()) {
          if (SPECS[r.kind].ownership !== 'label') continue; // children go with their parent
          const owner = r.live?.owner;
          if (owner === namespace) continue;
          ctx.io.stderr(`note: ${r.address} ${owner === undefined ? 'has no owner label (plan and apply with --adopt to take it over)' : `is owned by namespace ${quote(owner)}`}\n`);
        }
      }
      if (slice.otherNamespaces.size > 0) {
        const others = [...slice.otherNamespaces].sort(([a], [b]) => (a < b ? -1 : 1));
        const total = others.reduce((sum, [, n]) => sum + n, 0);
        const chosen = options.namespace === undefined ? `dumped namespace "${namespace}" (it owns the most objects; --namespace picks another); ` : '';
        ctx.io.stderr(`note: ${chosen}left out ${objects(total)} owned by other namespaces: ${others.map(([ns, n]) => `"${ns}" (${n})`).join(', ')}\n`);
      }
      if (slice.unowned > 0) {
        ctx.io.stderr(
          options.ownedOnly
            ? `note: left out ${objects(slice.unowned)} without an owner label (--owned-only)\n`
            : `note: included ${objects(slice.unowned)} without an owner label: plan and apply with --adopt to take ${slice.unowned === 1 ? 'it' : 'them'} over into namespace "${namespace}" (--owned-only leaves them out)\n`,
        );
      }
      if (envNames.length > 0) {
        const values = envNames.length === 1 ? '1 value came' : `${envNames.length} values came`;
        ctx.io.stderr(`note: ${values} from the environment and are not stored; the dump reads them from: ${envNames.join(', ')}\n`);
      }
      const applied = await backend.readApplied?.(namespace);
      let text = configText(config, options.format);
      // A comment under the schema line (JSON has no comments).
      if (applied !== undefined && options.format === 'yaml') {
        text = text.replace('\n', `\n# last applied from commit ${applied.commit}${applied.dirty ? ' with uncommitted changes' : ''}${applied.at === undefined ? '' : ` at ${applied.at}`} (namespace ${quote(namespace)})\n`);
      }
      if (options.out === undefined) {
        ctx.io.stdout(withDumpHeader(text, options.backend, options.format));
        return;
      }
      const file = join(options.out, `portal.${options.format}`);
      await writeFileAtomic(file, withDumpHeader(text, options.backend, options.format));
      ctx.io.stdout(`wrote ${file}\n`);
    });
}

function objects(n: number): string {
  return n === 1 ? '1 object' : `${n} objects`;
}
