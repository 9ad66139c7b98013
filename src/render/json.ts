import type { Plan } from '../types/plan.js';

/** The plan JSON of schemas/plan.schema.json. */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}

/**
 * The same text as renderPlanJson, in parts of at most `changesPerPart` changes each: a large plan
 * (tens of megabytes of JSON) is written part by part, never held whole as one string.
 */
export function* renderPlanJsonParts(plan: Plan, changesPerPart = 500): Generator<string> {
  // As JSON.stringify does: own keys in order, those whose value is undefined left out.
  const entries = Object.entries(plan).filter(([, value]) => value !== undefined);
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const end = i < entries.length - 1 ? ',\n' : '\n';
    if (key === 'changes' && Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let start = 0; start < value.length; start += changesPerPart) {
        const last = start + changesPerPart >= value.length;
        // Inside two arrays the changes are indented as deep as in the whole plan; the brackets are cut off.
        yield JSON.stringify([value.slice(start, start + changesPerPart)], null, 2).slice('[\n  [\n'.length, -'\n  ]\n]'.length) + (last ? '\n' : ',\n');
      }
      yield `  ]${end}`;
    } else {
      // Inside one array the value is indented as deep as a top-level property's.
      yield `  ${JSON.stringify(key)}: ${JSON.stringify([value], null, 2).slice('[\n  '.length, -'\n]'.length)}${end}`;
    }
  }
  yield '}\n';
}
