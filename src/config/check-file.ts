import { SECTIONS, type Section } from '../model/kind.js';
import { error, type Problem } from '../diagnostics/problems.js';
import { substituteEnv } from './env.js';
import { isIdentifyingPath } from './identifying.js';
import { locatedDocument, parsePortable, type DataPath } from './parse.js';
import { declareDocument, type DocumentDeclarations } from './desired.js';
import type { PortalctlConfig } from '../types/config.js';
import { validateConfigData } from './schema.js';

/**
 * One config file, parsed and checked on its own: each document's environment values substituted,
 * its data validated against the schema and, when valid, its objects declared; every problem
 * located. What it holds is plain values, so a worker thread can do this work and post the result
 * (see parse-pool.ts).
 */
export interface CheckedFile {
  problems: Problem[];
  /** A syntax (or alias, merge) error: the file may declare anything. */
  unreadable: boolean;
  /** What the documents without any error declare, ready to be merged. */
  declarations: DocumentDeclarations[];
  /** Sections that the documents with errors declare (not merged, so references into them are not checked). */
  unchecked: Section[];
  /** The parser overflowed the stack (deep nesting): what it found depends on the thread's stack. */
  overflowed: boolean;
}

/**
 * What the substitutions take: the environment's values, or only where the templates are (`dump
 * --config`, which may run where the variables are not set): every variable then counts as set to
 * its own template, and a value from the environment is not schema-checked (it is not known).
 */
export type EnvSource = { values: NodeJS.ProcessEnv } | { templatesOnly: true };

/** Every variable set, to its own template. */
const EVERY_VARIABLE_SET: NodeJS.ProcessEnv = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `\${{ env "${name}" }}` : undefined) });

/** Parses and checks one file's text, with `source` for the substitutions. */
export function checkConfigText(file: string, text: string, source: EnvSource): CheckedFile {
  const templatesOnly = 'templatesOnly' in source;
  const env = templatesOnly ? EVERY_VARIABLE_SET : source.values;
  const parsed = parsePortable(file, text);
  const problems = parsed.problems;
  const result: CheckedFile = { problems, unreadable: problems.some(isError), declarations: [], unchecked: [], overflowed: parsed.overflowed };
  for (const portable of parsed.documents) {
    const doc = locatedDocument(file, portable, parsed.lineStarts);
    const substitution = substituteEnv(doc.data, env);
    for (const p of substitution.problems) problems.push(error(p.message, doc.locate(p.path)));

    // Names and references make up addresses, which plans print: they may not be secret.
    let secretNames = 0;
    for (const { path } of substitution.secrets) {
      if (isIdentifyingPath(path)) {
        secretNames++;
        // A list item (a developer's teams) is named with its list: `teams[0]`.
        const last = path[path.length - 1];
        const field = typeof last === 'number' || /^\d+$/.test(String(last)) ? `${String(path[path.length - 2])}[${String(last)}]` : String(last);
        problems.push(error(`${field}: \${{ env }} is not allowed in names and references (they appear in plans)`, doc.locate(path)));
      }
    }
    const secret = new Set(substitution.secrets.map((x) => pathKey(x.path)));
    const unset = new Set(substitution.problems.map((p) => pathKey(p.path)));
    const schemaProblems = validateConfigData(doc.data, (path) => secret.has(pathKey(path))).filter((p) => !(templatesOnly && secret.has(pathKey(p.path))));
    for (const p of schemaProblems) {
      // A value whose substitution failed was already reported; its emptiness is no news.
      if (!unset.has(pathKey(p.path))) problems.push(error(p.message, doc.locate(p.path, p.atKey)));
    }
    // Only a document without any error is merged: a secret name must not become an address.
    if (schemaProblems.length === 0 && substitution.problems.length === 0 && secretNames === 0) {
      result.declarations.push(declareDocument({ doc, config: doc.data as PortalctlConfig, secrets: substitution.secrets }));
    } else {
      for (const section of sectionsOf(doc.data)) if (!result.unchecked.includes(section)) result.unchecked.push(section);
    }
  }
  return result;
}

function isError(problem: Problem): boolean {
  return problem.severity === 'error';
}

/** The top-level sections a (possibly invalid) document's data declares. */
function sectionsOf(data: unknown): Section[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  return SECTIONS.filter((section) => Object.hasOwn(data, section));
}

function pathKey(path: DataPath): string {
  return path.map(String).join('\u0000');
}
