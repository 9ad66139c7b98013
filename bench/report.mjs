// The targets of issue 12 checked against a run's results, and the run as a text table (stdout) and
// as Markdown (the results section of BENCHMARKS.md, between marker comments).
import { readFileSync, writeFileSync } from 'node:fs';

export const MD_START = '<!-- bench:results:start (written by npm run bench -- --write-md) -->';
export const MD_END = '<!-- bench:results:end -->';

const LOCAL_COMMANDS = ['floor', 'validate', 'plan', 'apply', 'no-change plan'];
/** Ratio to the floor at the default size that each command may reach. */
const FLOOR_LIMITS = { validate: 1.2, plan: 1.3, 'no-change plan': 1.3, apply: 2 };
const GROWTH_LIMIT = 2.2;
const RSS_LIMITS = { default: 300, double: 600 };
/** Requests a no-change plan may make besides one list page per 100 objects of each kind. */
const PLAN_REQUEST_CONSTANT = 10;
const APPLY_REQUEST_SLACK = 1.3;

const find = (results, command, size) => results.runs.find((r) => r.command === command && r.size === size);
const ok = (run) => run !== undefined && run.error === undefined;
export const ratioToFloor = (results, run) => {
  const floor = find(results, 'floor', run.size);
  return ok(floor) && ok(run) && floor.command !== run.command ? run.wall_ms / floor.wall_ms : undefined;
};
/** The same ratio in CPU time: steadier than wall time when other work shares the machine. */
const cpuRatio = (a, b) => (a?.cpu_ms && b?.cpu_ms ? b.cpu_ms / a.cpu_ms : undefined);
const fixed = (n, digits = 2) => (n === undefined || n === null ? '–' : n.toFixed(digits));

/** `; CPU: client X s, emulator Y s`: where a konnect run's time went besides waiting (wall time on a shared machine stretches both). */
const cpuOf = (run, served) => (run?.cpu_ms ? `; CPU: client ${fixed(run.cpu_ms / 1000)} s${served?.emulator_cpu_ms ? `, emulator ${fixed(served.emulator_cpu_ms / 1000)} s` : ''}` : '');

/** Every target: {target, limit, measured, met (true|false|null when not measured)}. */
export function evaluateTargets(results) {
  const targets = [];
  const add = (target, limit, measured, met) => targets.push({ target, limit, measured: measured ?? 'not measured', met: measured === undefined ? null : met });

  for (const [command, limit] of Object.entries(FLOOR_LIMITS)) {
    const run = find(results, command, 'default');
    const ratio = run && ratioToFloor(results, run);
    // A command that failed (a timeout above all) missed its target; one that was not run is not measured.
    const cpu = cpuRatio(find(results, 'floor', 'default'), run);
    const measured = run?.error ? `failed: ${run.error}` : ratio === undefined ? undefined : `${fixed(ratio)}x${cpu === undefined ? '' : ` (CPU ${fixed(cpu)}x)`}`;
    add(`${command} at the default size, to the floor`, `<= ${limit}x`, measured, ratio !== undefined && ratio <= limit);
  }
  for (const command of LOCAL_COMMANDS) {
    const steps = [['half', 'default'], ['default', 'double']]
      .map(([from, to]) => [find(results, command, from), find(results, command, to)])
      .filter(([a, b]) => ok(a) && b !== undefined && (ok(b) || b.wall_ms !== null))
      .map(([a, b]) => (ok(b) ? { text: `${a.size}->${b.size} ${fixed(b.wall_ms / a.wall_ms)}x (CPU ${fixed(cpuRatio(a, b))}x)`, ratio: b.wall_ms / a.wall_ms } : { text: `${a.size}->${b.size} failed (${b.error})`, ratio: Infinity }));
    add(`${command}: time when the size doubles`, `<= ${GROWTH_LIMIT}x`, steps.length ? steps.map((s) => s.text).join(', ') : undefined, steps.every((s) => s.ratio <= GROWTH_LIMIT));
  }
  for (const [size, limit] of Object.entries(RSS_LIMITS)) {
    const runs = results.runs.filter((r) => r.size === size && LOCAL_COMMANDS.includes(r.command) && r.command !== 'floor' && r.peak_rss_mb !== null);
    const worst = runs.sort((a, b) => b.peak_rss_mb - a.peak_rss_mb)[0];
    add(`peak RSS at the ${size} size (highest command)`, `< ${limit} MB`, worst ? `${worst.peak_rss_mb} MB (${worst.command})` : undefined, worst?.peak_rss_mb < limit);
  }

  const emulator = results.emulator;
  const plan = emulator?.no_change_plan;
  if (plan && plan.requests !== null) {
    const o = emulator.organisation;
    // The live kinds a plan lists: strategies, APIs (one per version), publications, applications, registrations, credentials.
    const perKind = [o.auth_strategies, o.product_versions, o.product_versions, o.applications, o.registrations, o.credentials].reduce((sum, n) => sum + Math.ceil(n / 100), 0);
    const bound = perKind + PLAN_REQUEST_CONSTANT;
    // Konnect's v3 admin API lists credentials only per application (list-credentials-by-application,
    // MAPPING 3.4; no portal-wide list, no count on an application): split the requests by route so the
    // figure says which part the bound can hold and which grows with the applications.
    const perApplication = Object.entries(plan.by_route ?? {})
      .filter(([route]) => /^GET .*\/applications\/\{id\}\//.test(route))
      .reduce((sum, [, n]) => sum + n, 0);
    const paged = plan.requests - perApplication;
    const split = perApplication
      ? `: ${paged} paged lists (${paged <= bound ? 'within' : 'over'} the bound) + ${perApplication} credentials lists, one per application that declares credentials: Konnect v3 lists credentials per application only`
      : '';
    const notes = [plan.changes ? `${plan.changes} changes!` : ''].filter(Boolean).join('; ');
    add('emulator no-change plan: requests', `<= ${bound} (1 per 100 objects per kind + ${PLAN_REQUEST_CONSTANT})`, `${plan.requests}${split}${notes ? ` (${notes})` : ''}`, plan.requests <= bound && plan.changes === 0);
  } else add('emulator no-change plan: requests', '1 per 100 objects per kind + a constant', undefined, false);
  const apply = emulator?.apply;
  if (apply && apply.requests !== null && apply.error === undefined) {
    const ideal = (apply.requests * emulator.latency_ms) / emulator.parallelism;
    add(
      `emulator apply of ${emulator.new_applications} new applications: time`,
      `<= ${APPLY_REQUEST_SLACK}x requests x latency / parallelism = ${fixed((APPLY_REQUEST_SLACK * ideal) / 1000)} s`,
      `${fixed(apply.wall_ms / 1000)} s (${fixed(apply.wall_ms / ideal)}x of ${apply.requests} x ${emulator.latency_ms} ms / ${emulator.parallelism}${cpuOf(find(results, 'konnect apply', 'emulator'), apply)})`,
      apply.wall_ms <= APPLY_REQUEST_SLACK * ideal,
    );
  } else add('emulator apply of the new applications: time', `<= ${APPLY_REQUEST_SLACK}x requests x latency / parallelism`, undefined, false);
  return targets;
}

const verdict = (met) => (met === null ? 'not measured' : met ? 'met' : 'NOT MET');

function runRows(results) {
  return results.runs.map((run) => {
    const ratio = ratioToFloor(results, run);
    return [
      run.command,
      run.size,
      run.wall_ms === null ? 'not run' : run.error ? `failed at ${fixed(run.wall_ms / 1000)} s` : `${fixed(run.wall_ms / 1000)} s`,
      ratio === undefined ? '' : `${fixed(ratio)}x`,
      run.cpu_ms === null ? '' : `${fixed(run.cpu_ms / 1000)} s`,
      run.peak_rss_mb === null ? '' : `${run.peak_rss_mb} MB`,
      run.requests === undefined || run.requests === null ? '' : String(run.requests),
    ];
  });
}

const RUN_HEADER = ['command', 'size', 'wall time', 'x floor', 'CPU time', 'peak RSS', 'requests'];
const TARGET_HEADER = ['target', 'limit', 'measured', 'verdict'];

function sizesLine(results) {
  return Object.entries(results.sizes)
    .map(([label, s]) => `${label}: ${s.applications} applications, ${s.registrations} registrations, ${s.product_versions} versions, ${s.credentials} credentials, ${s.files} files`)
    .join('\n');
}

function emulatorLine(results) {
  const e = results.emulator;
  if (!e) return 'emulator: not run';
  const o = e.organisation;
  return `emulator (--latency-ms ${e.latency_ms}, default --parallelism ${e.parallelism}): an organisation of ${o.applications} applications, ${o.registrations} registrations, ${o.product_versions} versions, ${o.credentials} credentials already applied; the apply adds ${e.new_applications} applications`;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function mdTable(header, rows) {
  const esc = (c) => c.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

const targetRows = (results) => results.targets.map((t) => [t.target, t.limit, t.measured, verdict(t.met)]);

function errorsOf(results) {
  return results.runs.filter((r) => r.error).map((r) => `${r.command} (${r.size}): ${r.error}`);
}

/** The machine's load during the run (other work on the same cores stretches wall times). */
function loadLine(results) {
  const load = results.machine.load_average;
  return load ? `1-minute load average ${fixed(load.start, 1)} at the start, ${fixed(load.end, 1)} at the end, on ${results.machine.cpus} cores` : 'load not recorded';
}

export function renderText(results) {
  const errors = errorsOf(results);
  return [
    '',
    sizesLine(results),
    emulatorLine(results),
    '',
    table(RUN_HEADER, runRows(results)),
    '',
    table(TARGET_HEADER, targetRows(results)),
    '',
    ...(errors.length ? ['failed:', ...errors.map((e) => `  ${e}`), ''] : []),
    `total: ${fixed(results.total_ms / 1000, 0)} s on ${results.machine.cpus} x ${results.machine.cpu}, node ${results.machine.node}; ${loadLine(results)}`,
    '',
  ].join('\n');
}

export function renderMarkdown(results) {
  const m = results.machine;
  const errors = errorsOf(results);
  return [
    `Run of ${results.date.slice(0, 10)} (seed ${results.options.seed}, scale ${results.options.scale}): ${m.cpus} x ${m.cpu}, ${m.memory_gb} GB, node ${m.node}, ${m.platform}; the whole bench took ${fixed(results.total_ms / 1000, 0)} s (without the build); ${loadLine(results)}.`,
    '',
    ...sizesLine(results).split('\n').map((l) => `- ${l}`),
    `- ${emulatorLine(results)}`,
    '',
    mdTable(RUN_HEADER, runRows(results)),
    '',
    mdTable(TARGET_HEADER, targetRows(results)),
    ...(errors.length ? ['', 'Failed:', '', ...errors.map((e) => `- ${e}`)] : []),
  ].join('\n');
}

/** Replaces what is between the markers in `file` with `body` (the markers are added at the end if missing). */
export function writeMarkdownSection(file, body) {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(MD_START);
  const end = text.indexOf(MD_END);
  const section = `${MD_START}\n${body}\n${MD_END}`;
  const next = start !== -1 && end > start ? text.slice(0, start) + section + text.slice(end + MD_END.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
