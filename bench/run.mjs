#!/usr/bin/env node
// `npm run bench`: generates an organisation from a seed, measures portalctl on it (local backend at
// half, default and double size; the konnect backend against the emulator), prints a table with the
// targets of issue 12, and writes it as JSON (and with --write-md into BENCHMARKS.md). See BENCHMARKS.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate, sizeAt } from './generate.mjs';
import { measure, ROOT } from './measure.mjs';
import { KONNECT_ENV, startBenchEmulator } from './emulator.mjs';
import { evaluateTargets, renderMarkdown, renderText, writeMarkdownSection } from './report.mjs';

const USAGE = `usage: npm run bench -- [options]
  --scale X            size relative to the default organisation (10,000 applications, 20,000
                       registrations, 400 versions, 10,000 credentials, 200 files); default 1 (env BENCH_SCALE)
  --seed N             seed of the generated organisation; default 1 (env BENCH_SEED)
  --sizes A,B,C        multipliers of --scale measured on the local backend; default 0.5,1,2
  --emulator-scale X   size of the organisation on the emulator, relative to --scale; default 0.1
  --new-applications N applications added by the measured emulator apply; default 1000 x --scale
  --latency-ms N       emulator latency; default 20
  --no-emulator        skip the konnect figures
  --no-local           skip the local-backend figures (floor, validate, plan, apply)
  --timeout S          seconds one command may take before it is killed; default 300
  --out FILE           the JSON results; default bench/results/latest.json
  --write-md           also rewrite the results section of BENCHMARKS.md
  --keep               keep the generated organisation and state files (the path is printed)
  --report FILE        measure nothing: print (and with --write-md record) the results in FILE`;

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: process.env.BENCH_SCALE ?? '1' },
    seed: { type: 'string', default: process.env.BENCH_SEED ?? '1' },
    sizes: { type: 'string', default: '0.5,1,2' },
    'emulator-scale': { type: 'string', default: '0.1' },
    'new-applications': { type: 'string' },
    'latency-ms': { type: 'string', default: '20' },
    'no-emulator': { type: 'boolean', default: false },
    'no-local': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
    'write-md': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    report: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

/** Prints the results (targets judged again), records them in BENCHMARKS.md with --write-md, and exits. */
function report(results, out) {
  results.targets = evaluateTargets(results);
  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  }
  process.stdout.write(renderText(results));
  if (out !== undefined) process.stdout.write(`\nJSON: ${out}\n`);
  if (options['write-md']) {
    writeMarkdownSection(join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
    process.stdout.write('BENCHMARKS.md: results section rewritten\n');
  }
  process.exit(results.runs.some((r) => r.error) ? 1 : 0);
}
if (options.report !== undefined) report(JSON.parse(readFileSync(options.report, 'utf8')), undefined);

const number = (name, min = 0) => {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value <= min) {
    console.error(`error: --${name} ${options[name]}: expected a number above ${min}\n${USAGE}`);
    process.exit(1);
  }
  return value;
};
const scale = number('scale');
const seed = Math.trunc(number('seed', -1));
const multipliers = options.sizes.split(',').map((s) => Number(s));
if (!multipliers.includes(1) || multipliers.some((m) => !(m > 0))) {
  console.error(`error: --sizes ${options.sizes}: expected positive multipliers including 1\n${USAGE}`);
  process.exit(1);
}
const emulatorScale = number('emulator-scale');
const newApplications = options['new-applications'] !== undefined ? Math.trunc(number('new-applications')) : Math.max(1, Math.round(1000 * scale));
const latencyMs = number('latency-ms', -1);
const timeoutMs = number('timeout') * 1000;

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('error: dist/ is not built: run npm run build (npm run bench builds it first)');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'portalctl-bench-'));
const started = performance.now();
const log = (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

const results = {
  format_version: 1,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}`, load_average: { start: loadavg()[0], end: null } },
  options: { scale, seed, sizes: multipliers, emulator_scale: emulatorScale, new_applications: newApplications, latency_ms: latencyMs, peak_rss: 'getrusage maxrss of each child, written at exit by bench/rss-hook.mjs (node --import)' },
  sizes: {},
  runs: [],
  emulator: undefined,
  targets: [],
  total_ms: 0,
};

/** Measures one command and records it as a run; a failed command is recorded with its error. */
async function run(command, size, spec) {
  const cpuBefore = process.cpuUsage();
  const result = await measure({ workDir: work, timeoutMs, ...spec });
  // The bench's own CPU while the child ran: the in-process emulator's work, when one serves it.
  const cpu = process.cpuUsage(cpuBefore);
  result.benchCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const entry = { command, size, wall_ms: Math.round(result.wallMs), cpu_ms: result.cpuMs === undefined ? null : Math.round(result.cpuMs), peak_rss_mb: result.peakRssMB === undefined ? null : Math.round(result.peakRssMB), ...(result.error && { error: result.error }) };
  results.runs.push(entry);
  log(`${command.padEnd(22)} ${size.padEnd(8)} ${seconds(result.wallMs).padStart(9)}  cpu ${seconds(entry.cpu_ms ?? NaN).padStart(9)}  ${entry.peak_rss_mb ?? '?'} MB${result.error ? `  ${result.error}` : ''}`);
  return { ...entry, stdout: result.stdout, bench_cpu_ms: result.benchCpuMs };
}

const sizeLabel = (m) => (m === 1 ? 'default' : m === 0.5 ? 'half' : m === 2 ? 'double' : `x${m}`);

try {
  // Local backend, smallest size first.
  for (const multiplier of options['no-local'] ? [] : [...multipliers].sort((a, b) => a - b)) {
    const label = sizeLabel(multiplier);
    const size = sizeAt(scale * multiplier);
    const dir = join(work, `org-${label}`);
    results.sizes[label] = { multiplier, ...generate(dir, { size, seed }) };
    const state = join(work, `state-${label}`, 'state.json');
    mkdirSync(dirname(state), { recursive: true });
    const local = ['--state', state];
    await run('floor', label, { script: join(ROOT, 'bench', 'floor.mjs'), args: [dir] });
    await run('validate', label, { args: ['validate', dir] });
    await run('plan', label, { args: ['plan', dir, ...local, '--format', 'json'] });
    const applied = await run('apply', label, { args: ['apply', dir, ...local, '--yes', '--credentials-out', join(work, `credentials-${label}.json`)] });
    // Without a finished apply there is no unchanged organisation to plan.
    if (applied.error) results.runs.push({ command: 'no-change plan', size: label, wall_ms: null, cpu_ms: null, peak_rss_mb: null, error: 'not run: the apply failed' });
    else await run('no-change plan', label, { args: ['plan', dir, ...local, '--format', 'json'] });
    if (!options.keep) rmSync(dirname(state), { recursive: true, force: true });
  }

  if (!options['no-emulator']) {
    const size = sizeAt(scale * emulatorScale);
    const org = join(work, 'emulator-org');
    const grown = join(work, 'emulator-org-plus-new');
    const counts = generate(org, { size, seed });
    generate(grown, { size, seed, extraApplications: newApplications });
    const emulator = await startBenchEmulator({ latencyMs });
    const konnect = (extra = []) => ({ env: KONNECT_ENV, args: [...extra, ...emulator.flags] });
    try {
      log(`emulator: applying the organisation (${counts.applications} applications) to start from`);
      // Not a figure of the targets: the organisation the no-change plan reads, made as fast as the emulator allows.
      const seeded = await run('konnect seed', 'emulator', konnect(['apply', org, '--yes', '--parallelism', '100', '--concurrency', '100', '--credentials-out', join(work, 'credentials-emulator.json')]));
      seeded.requests = emulator.takeCounts().total;
      const plan = await run('konnect no-change plan', 'emulator', { ...konnect(['plan', org, '--format', 'json']), keepStdout: true });
      const planServed = emulator.takeCounts();
      const apply = await run('konnect apply', 'emulator', { ...konnect(['apply', grown, '--yes', '--credentials-out', join(work, 'credentials-emulator.json')]), keepStdout: true });
      const applyServed = emulator.takeCounts();
      const planJson = plan.error ? undefined : JSON.parse(plan.stdout);
      const applyLine = apply.stdout?.match(/(\d+) requests? to konnect, (\d+) retried/);
      results.emulator = {
        latency_ms: latencyMs,
        parallelism: 10,
        organisation: counts,
        new_applications: newApplications,
        seed_apply: { wall_ms: seeded.wall_ms, requests: seeded.requests, emulator_cpu_ms: seeded.bench_cpu_ms },
        no_change_plan: {
          wall_ms: plan.wall_ms,
          peak_rss_mb: plan.peak_rss_mb,
          changes: planJson?.changes.length ?? null,
          requests: planJson?.metadata?.requests ?? null,
          requests_served: planServed.total,
          emulator_cpu_ms: plan.bench_cpu_ms,
          by_route: planServed.byRoute,
          ...(plan.error && { error: plan.error }),
        },
        apply: {
          wall_ms: apply.wall_ms,
          peak_rss_mb: apply.peak_rss_mb,
          requests: applyLine ? Number(applyLine[1]) : null,
          retried: applyLine ? Number(applyLine[2]) : null,
          requests_served: applyServed.total,
          emulator_cpu_ms: apply.bench_cpu_ms,
          by_route: applyServed.byRoute,
          ...(apply.error && { error: apply.error }),
        },
      };
      for (const name of ['konnect no-change plan', 'konnect apply']) {
        const entry = results.runs.find((r) => r.command === name);
        entry.requests = name === 'konnect apply' ? results.emulator.apply.requests : results.emulator.no_change_plan.requests;
      }
      results.runs.find((r) => r.command === 'konnect seed').requests = seeded.requests;
    } finally {
      await emulator.stop();
    }
  }
} finally {
  if (options.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

results.total_ms = Math.round(performance.now() - started);
// Load from other processes stretches wall times: the 1-minute load average, at the start and at the end.
results.machine.load_average.end = loadavg()[0];
report(results, resolve(options.out));
