import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configValidator } from '../src/config/schema.js';
import { validate as generatedPlanValidator } from '../src/plan/validate-plan.generated.js';
import { ROOT } from './helpers/cli.js';
// @ts-expect-error: a plain ESM script without type declarations
import { generate, TARGETS } from '../scripts/gen-validators.mjs';

interface Target {
  schema: string;
  out: string;
  options: Record<string, unknown>;
  formats: string[];
}
const targets = TARGETS as Target[];
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The validator ajv compiles at run time from the schema, with the options the generated one was made with. */
async function compiledAtRunTime(target: Target): Promise<ValidateFunction> {
  const ajv = new Ajv(target.options);
  if (target.formats.length) addFormats(ajv, target.formats as never);
  return ajv.compile(JSON.parse(await readFile(join(ROOT, target.schema), 'utf8')) as object);
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Every value of a document replaced, one at a time, by values of other types (and strings the formats and patterns refuse). */
function* mutations(doc: unknown): Generator<unknown> {
  const replacements: unknown[] = [null, 7, 1.5, true, '', 'not a url', 'Upper Case!', [], {}, { unknown: 1 }, ['x']];
  function* at(value: unknown, replace: (v: unknown) => unknown): Generator<unknown> {
    for (const r of replacements) yield replace(r);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* at(value[i], (v) => replace(value.map((x, j) => (j === i ? v : x))));
    else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        yield* at((value as Record<string, unknown>)[key], (v) => replace({ ...value, [key]: v }));
        const { [key]: _dropped, ...without } = value as Record<string, unknown>;
        yield replace(without);
      }
      yield replace({ ...value, portalctl_unknown_field: 1 });
    }
  }
  yield* at(doc, (v) => v);
}

describe('the generated schema validators', () => {
  it('are up to date with schemas/ (run npm run gen:validators)', async () => {
    for (const target of targets) {
      const expected = await generate(target);
      const actual = await readFile(join(ROOT, target.out), 'utf8');
      expect(actual === expected, `${target.out} is stale: run npm run gen:validators`).toBe(true);
    }
  });

  it('give the errors ajv gives at run time, on every example and thousands of broken variants of them', async () => {
    const runtime = await compiledAtRunTime(targets.find((t) => t.out.includes('config'))!);
    const generated = configValidator();
    let compared = 0;
    let refused = 0;
    for (const file of await yamlFiles(join(ROOT, 'examples'))) {
      for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
        for (const variant of mutations(doc.toJS())) {
          const ok = generated(variant);
          expect(runtime(variant)).toBe(ok);
          expect(generated.errors ?? null).toEqual(runtime.errors ?? null);
          compared++;
          if (!ok) refused++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(compared / 2);
  });

  it('check a saved plan as the plan schema does', async () => {
    const runtime = await compiledAtRunTime(targets.find((t) => t.out.includes('plan'))!);
    const planValidator = generatedPlanValidator as ValidateFunction;
    const plan = { format_version: 2, changes: [{ kind: 'application' }] };
    for (const variant of mutations(plan)) {
      expect(planValidator(variant)).toBe(runtime(variant));
      expect(planValidator.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });
});
