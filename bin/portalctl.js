#!/usr/bin/env node
// Entry point. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script); a
// checkout that was never built is compiled here on first run, so `npx portalctl` always works.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/cli/main.js', import.meta.url);

if (!existsSync(entry)) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('error: portalctl is not built and TypeScript is not installed: run npm ci\n');
    process.exit(1);
  }
  process.stderr.write('portalctl: first run, building…\n');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

await import(entry.href);
