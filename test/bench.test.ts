import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/cli.js';

// The bench is plain .mjs (run by node against dist/): imported by URL, untyped.
const bench = (file: string): Promise<any> => import(pathToFileURL(join(ROOT, 'bench', file)).href);

async function filesOf(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n.slice(dir.length), await readFile(n, 'utf8')] as const)));
}

describe('npm run bench', () => {
  it('generates the same organisation from the same seed, a different one from another, and new applications without touching it', async () => {
    const { generate, sizeAt } = await bench('generate.mjs');
    const size = sizeAt(0.01);
    const [a, b, c, grown] = await Promise.all([tempDir(), tempDir(), tempDir(), tempDir()]);
    const counts = generate(a, { size, seed: 3 });
    generate(b, { size, seed: 3 });
    generate(c, { size, seed: 4 });
    generate(grown, { size, seed: 3, extraApplications: 5 });
    expect(counts).toMatchObject({ applications: 100, registrations: 200, product_versions: 4, credentials: 100 });
    const first = await filesOf(a);
    expect(await filesOf(b)).toEqual(first);
    expect(await filesOf(c)).not.toEqual(first);
    expect(await filesOf(grown)).toMatchObject(first);
  });

  it('measures every figure at a tiny scale and writes them as JSON, with every target judged', async () => {
    const out = join(await tempDir(), 'bench.json');
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.mjs'), '--scale', '0.005', '--new-applications', '5', '--out', out], { cwd: ROOT, timeout: 90_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(await readFile(out, 'utf8'));
    const local = ['floor', 'validate', 'plan', 'apply', 'no-change plan'];
    for (const size of ['half', 'default', 'double']) {
      for (const command of local) {
        const entry = results.runs.find((r: any) => r.command === command && r.size === size);
        expect(entry, `${command} at ${size}`).toMatchObject({ wall_ms: expect.any(Number), cpu_ms: expect.any(Number), peak_rss_mb: expect.any(Number) });
        expect(entry.error).toBeUndefined();
      }
    }
    for (const command of ['konnect no-change plan', 'konnect apply']) {
      expect(results.runs.find((r: any) => r.command === command)).toMatchObject({ wall_ms: expect.any(Number), peak_rss_mb: expect.any(Number), requests: expect.any(Number) });
    }
    expect(results.emulator.no_change_plan.changes).toBe(0);
    // What the client counted is what the emulator served.
    expect(results.emulator.no_change_plan.requests).toBe(results.emulator.no_change_plan.requests_served);
    expect(results.emulator.apply.requests).toBe(results.emulator.apply.requests_served);
    expect(results.targets).toHaveLength(13);
    for (const target of results.targets) expect(typeof target.met, target.target).toBe('boolean');
  }, 120_000);

  it('rewrites only the results section of BENCHMARKS.md, between its markers', async () => {
    const { MD_END, MD_START, writeMarkdownSection } = await bench('report.mjs');
    const file = join(await tempDir(), 'BENCHMARKS.md');
    await writeFile(file, `# Before\n\n${MD_START}\nold table\n${MD_END}\n\n## After\n`);
    writeMarkdownSection(file, 'new table');
    expect(await readFile(file, 'utf8')).toBe(`# Before\n\n${MD_START}\nnew table\n${MD_END}\n\n## After\n`);
    expect(await readFile(join(ROOT, 'BENCHMARKS.md'), 'utf8')).toContain(MD_START);
  });
});
