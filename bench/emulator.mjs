// The emulator the konnect figures are measured against: started in the bench's own process (from
// dist/, like `portalctl emulator --latency-ms N` on a free loopback port), so that it can count the
// requests it answers, by route, independently of what the client reports.
import { ROOT } from './measure.mjs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const TOKEN = 'kpat_bench_token';
export const DEVELOPER = { email: 'bench@example.com', password: 'bench-password' };
export const KONNECT_ENV = { KONNECT_TOKEN: TOKEN, KONNECT_PORTAL_EMAIL: DEVELOPER.email, KONNECT_PORTAL_PASSWORD: DEVELOPER.password };

/** A route's shape: ids (uuids, long hex) become {id}, so requests group by endpoint. */
const routeOf = (method, path) => `${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}|\/[0-9a-f]{24,}/gi, '/{id}')}`;

export async function startBenchEmulator({ latencyMs }) {
  const { startEmulator } = await import(pathToFileURL(join(ROOT, 'dist', 'emulator', 'index.js')).href);
  let counts = new Map();
  const emu = await startEmulator({
    port: 0,
    token: TOKEN,
    developers: [DEVELOPER],
    latencyMs,
    onExchange: (exchange) => {
      const route = routeOf(exchange.method, exchange.path);
      counts.set(route, (counts.get(route) ?? 0) + 1);
    },
  });
  return {
    /** The flags a konnect-backend command needs to reach it (with KONNECT_ENV). */
    flags: ['--backend', 'konnect', '--konnect-url', emu.adminUrl, '--portal-url', emu.portalUrl],
    /** The requests answered since the last call, by route (most first), and their total. */
    takeCounts() {
      const byRoute = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
      counts = new Map();
      return { total: Object.values(byRoute).reduce((sum, n) => sum + n, 0), byRoute };
    },
    stop: () => emu.stop(),
  };
}
