import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checkNamespaceFlag } from '../../config/namespace-flag.js';
import { quote } from '../../diagnostics/quote.js';
import { SPECS } from '../../model/kinds/index.js';
import { configText, type DumpFormat } from '../../dump/serialize.js';
import { withDumpHeader } from '../../dump/header.js';
import { ConfigError, UserError } from '../../errors.js';
import { stateToConfig } from '../../dump/to-config.js';
import { loadConfigTemplates, type ConfigTemplates } from '../../dump/config-templates.js';
import type { Backend } from '../../backends/backend.js';
import type { State } from '../../model/state.js';
import { commonOwner, sliceByOwner } from '../../model/owner.js';
import { addBackendOptions, openBackend, type BackendOptions } from '../backend-options.js';
import type { Context } from '../context.js';

interface DumpOptions extends BackendOptions {
  out?: string;
  format: DumpFormat;
  ownedOnly?: boolean;
  all?: boolean;
  config?: string[];
}

export function registerDump(program: Command, ctx: Context): void {
  addBackendOptions(program.command('dump').description('write the live portal as config: the way to adopt an existing portal'))
    .option('--out <dir>', 'write <dir>/portal.yaml (or .json) instead of printing')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--owned-only', 'leave out objects that carry no owner label (included by default, to be adopted)')
    .option('--all', "dump every object, whatever namespace owns it, with a note naming each object's owner")
    .option('--config <paths...>', 'the config the portal was applied from: each value it takes from the environment is dumped as its ${{ env }} template (the variables need not be set)')
    .addHelpText(
      'after',
      '\nOne namespace is dumped: --namespace, else the config\'s (--config), else the one that owns most objects. Objects of other namespaces are left out' +
        ' (a note says which); objects without an owner label are included, for `apply --adopt` to take over.' +
        '\nCredential keys are never dumped (the portal keeps only their hashes): only credential names are.' +
        '\nValues that came from the environment: the local backend keeps only their hashes and dumps each as ${{ env "PORTALCTL_<ADDRESS>_<FIELD>" }};' +
        ' Konnect keeps them as sent, so on konnect and konnect-classic a namespace applied from a config that takes any is not dumped' +
        ' (exit 1, nothing written) without --config, which writes them as the config\'s own templates.\n',
    )
    .action(async (options: DumpOptions) => {
      checkNamespaceFlag(options.namespace);
      if (options.all && options.ownedOnly) throw new UserError('--all and --owned-only contradict each other: choose one');
      // The config first: one that does not load stops the dump before the portal is read.
      const templates = options.config === undefined ? undefined : await configTemplates(options.config);
      // With --config, the portal (and a classic portal's namespace) is the config's, as for plan.
      const backend = openBackend(options.config === undefined ? options : { ...options, configPaths: options.config }, ctx.io);
      const live = await backend.read();
      const chosen = templates === undefined ? options.namespace : (options.namespace ?? templates.namespace);
      const namespace = chosen ?? commonOwner(live) ?? 'default';
      const slice = options.all ? { state: live, otherNamespaces: new Map<string, number>(), unowned: 0 } : sliceByOwner(live, namespace, options.ownedOnly !== true);
      await refuseUnmarkedValues(backend, options.all ? namespacesIn(live, namespace) : [namespace], templates && { namespace, count: templates.count }, ctx);
      const { config, envNames } = stateToConfig(slice.state, namespace, templates?.byAddress);

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
        const majority = chosen === undefined ? `dumped namespace "${namespace}" (it owns the most objects; --namespace picks another); ` : '';
        ctx.io.stderr(`note: ${majority}left out ${objects(total)} owned by other namespaces: ${others.map(([ns, n]) => `"${ns}" (${n})`).join(', ')}\n`);
      }
      if (slice.unowned > 0) {
        ctx.io.stderr(
          options.ownedOnly
            ? `note: left out ${objects(slice.unowned)} without an owner label (--owned-only)\n`
            : `note: included ${objects(slice.unowned)} without an owner label: plan and apply with --adopt to take ${slice.unowned === 1 ? 'it' : 'them'} over into namespace "${namespace}" (--owned-only leaves them out)\n`,
        );
      }
      if (envNames.length > 0) {
        const n = envNames.length;
        // Without --config, each variable is one sealed value of the local state; with it, the config's own variables.
        const values = templates === undefined ? `${n === 1 ? '1 value came' : `${n} values came`} from the environment and are not stored; the dump reads them from` : `the dump reads ${n === 1 ? '1 variable' : `${n} variables`} from the environment`;
        ctx.io.stderr(`note: ${values}: ${envNames.join(', ')}\n`);
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

/** --config PATHS: where the config takes values from the environment; a config that does not load stops the dump (exit 1). */
async function configTemplates(paths: readonly string[]): Promise<ConfigTemplates> {
  const { templates, problems } = await loadConfigTemplates(paths);
  if (templates === undefined) throw new ConfigError(problems);
  return templates;
}

/** The namespaces a dump of every object (--all) writes: each owner's, and the one named. */
function namespacesIn(live: State, namespace: string): string[] {
  const owners = new Set([namespace]);
  for (const r of live.all()) if (r.live?.owner !== undefined) owners.add(r.live.owner);
  return [...owners].sort();
}

/**
 * A portal that keeps values from the environment as sent (Konnect) is marked per namespace when its
 * config takes any (apply, env-mark.ts). Such a namespace is dumped only from its config (--config,
 * `covered`), which writes them as its templates: never in the clear without a word. A config whose
 * count differs from the mark's is used, with a note.
 */
async function refuseUnmarkedValues(backend: Backend, namespaces: readonly string[], covered: { namespace: string; count: number } | undefined, ctx: Context): Promise<void> {
  if (backend.readEnvValues === undefined) return;
  for (const namespace of namespaces) {
    const count = await backend.readEnvValues(namespace);
    if (count === 0) continue;
    const values = count === 1 ? '1 value' : `${count} values`;
    if (namespace !== covered?.namespace) {
      throw new UserError(
        `namespace ${quote(namespace)} was applied from a config that takes ${values} from the environment, which Konnect keeps as sent: pass --config PATHS (that config) so that dump writes them as their \${{ env }} templates`,
      );
    }
    if (covered.count !== count) {
      ctx.io.stderr(`note: namespace ${quote(namespace)} was applied from a config that takes ${values} from the environment, the config given takes ${covered.count}: values it does not template are dumped as Konnect keeps them\n`);
    }
  }
}
