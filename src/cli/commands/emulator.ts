import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../../errors.js';
import { FLAVOURS, startEmulator, type Flavour, type SeedDeveloper } from '../../emulator/index.js';
import type { Context } from '../context.js';

interface EmulatorOptions {
  port: number;
  gatewayPort: number;
  state?: string;
  token?: string;
  developer: SeedDeveloper[];
  latencyMs: number;
  failRate: number;
  seed: number;
  losePostAnswer: number[];
  flavour: string;
}

const integer = (name: string) => (text: string) => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(text);
};

function developer(text: string, previous: SeedDeveloper[]): SeedDeveloper[] {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1 || !text.slice(0, at).includes('@')) throw new InvalidArgumentError('expected EMAIL:PASSWORD');
  return [...previous, { email: text.slice(0, at), password: text.slice(at + 1) }];
}

/**
 * `portalctl emulator`: Konnect's v3 Dev Portal API (MAPPING.md §6.1), or with `--flavour classic`
 * the classic one (v2, §6.2), on loopback over the local store, until SIGINT or SIGTERM. Port 0 (the
 * default) takes any free port; the URLs are printed.
 */
export function registerEmulator(program: Command, ctx: Context): void {
  program
    .command('emulator')
    .description("serve Konnect's Dev Portal API (v3, or classic v2) on loopback over a local state, with a gateway for the keys")
    .option('--port <n>', 'admin and portal API port (0: any free port)', integer('--port'), 0)
    .option('--gateway-port <n>', 'gateway port (0: any free port)', integer('--gateway-port'), 0)
    .option('--state <file>', 'state file, shared with the local backend (default: in memory only)')
    .option('--token <token>', 'admin bearer token (default: a generated one, printed)')
    .option('--developer <email:password>', 'an approved developer who can log in (repeatable)', developer, [])
    .option('--latency-ms <n>', 'delay every API answer', integer('--latency-ms'), 0)
    .option('--fail-rate <r>', 'share of API requests that fail (429, 500, 503, reset connection)', parseFloat, 0)
    .option('--seed <n>', 'seed of the injected faults', integer('--seed'), 1)
    .option('--lose-post-answer <n>', 'handle the n-th POST (from 1), then reset the connection: its write lands, its answer is lost (repeatable)', (text: string, previous: number[]) => [...previous, integer('--lose-post-answer')(text)], [])
    .option('--flavour <flavour>', 'API flavour: v3 (Dev Portal v3) or classic (Dev Portal v2)', 'v3')
    .action(async (options: EmulatorOptions) => {
      if (!(FLAVOURS as readonly string[]).includes(options.flavour)) throw new UserError(`--flavour ${options.flavour}: expected ${FLAVOURS.join(' or ')}`);
      if (!(options.failRate >= 0 && options.failRate <= 1)) throw new UserError('--fail-rate must be a number between 0 and 1');
      const stopped = new Promise<void>((resolve) => {
        if (ctx.io.stop?.aborted) return resolve();
        ctx.io.stop?.addEventListener('abort', () => resolve(), { once: true });
      });
      const untrap = ctx.io.trapSignals?.(() => undefined);
      try {
        const emu = await startEmulator({
          flavour: options.flavour as Flavour,
          port: options.port,
          gatewayPort: options.gatewayPort,
          ...(options.state !== undefined && { state: options.state }),
          ...(options.token !== undefined && { token: options.token }),
          developers: options.developer,
          latencyMs: options.latencyMs,
          failRate: options.failRate,
          seed: options.seed,
          losePostAnswers: options.losePostAnswer,
        });
        ctx.io.stdout(
          `admin API:  ${emu.adminUrl}   (--konnect-url)\n` +
            `portal API: ${emu.portalUrl}   (--portal-url)\n` +
            `gateway:    ${emu.gatewayUrl}\n` +
            `portal:     default (${emu.portalId})${emu.flavour === 'classic' ? ', classic (/v2/…, /api/v2/…)' : ''}\n` +
            (options.token === undefined ? `token:      ${emu.token}   (KONNECT_TOKEN)\n` : '') +
            `state:      ${options.state ?? 'in memory'}\n` +
            'Stop with Ctrl-C.\n',
        );
        await stopped;
        await emu.stop();
        ctx.io.stderr('emulator stopped\n');
      } finally {
        untrap?.();
      }
    });
}
