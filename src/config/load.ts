import type { PortalctlConfig } from '../types/config.js';
import { SECTIONS, type Section } from '../model/kind.js';
import type { State } from '../model/state.js';
import type { DesiredState } from '../model/state.js';
import { mapBounded, MAX_OPEN_FILES } from './bounded.js';
import { buildDesired, type ValidDocument } from './desired.js';
import { substituteEnv } from './env.js';
import { findConfigFiles, type FoundFiles } from './files.js';
import { parseConfigText, type DataPath } from './parse.js';
import { error, type Problem } from '../diagnostics/problems.js';
import { readConfigFile, type ReadResult } from './read.js';
import { validateConfigData } from './schema.js';
import { checkSemantics } from './semantics.js';
import { isIdentifyingPath } from './identifying.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Live state to resolve references into sections the files do not declare (plan, apply). A promise
   * is awaited only once the files are read and parsed: the live state is read meanwhile.
   */
  outside?: State | Promise<State>;
  /** --namespace: overrides the config's, before references are checked against what the run keeps. */
  namespace?: string;
  /** Where the files are read from: the work tree (the default), or elsewhere (git's objects at a ref). */
  source?: ConfigSource;
}

/**
 * Where config files come from. Whatever the source, its files go through the same pipeline
 * (parse, environment, schema, merge, semantics): a config at a git ref loads as the work tree's does.
 */
export interface ConfigSource {
  /** PATHS expanded into the config files to read, in reading order, named as problems name them. */
  find(paths: readonly string[]): Promise<FoundFiles>;
  read(file: string): Promise<ReadResult>;
}

/** The work tree: PATHS as the file system has them. */
export const WORK_TREE: ConfigSource = { find: findConfigFiles, read: (file) => readConfigFile(file) };

export interface LoadResult {
  /** Present when no error was found (warnings may still be). */
  desired?: DesiredState;
  problems: Problem[];
}

/**
 * Reads PATHS into one desired state: find the files, read and parse each, substitute environment
 * values, validate against the schema, merge, then check references and registration rules.
 * Every problem found along the way is returned, not just the first: the documents that are valid
 * are merged and cross-checked even when others are not (see `unchecked` below).
 */
export async function loadDesired(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const env = options.env ?? process.env;
  const source = options.source ?? WORK_TREE;
  const { files, problems } = await source.find(paths);
  const valid: ValidDocument[] = [];
  /**
   * Sections that a document which failed declares, or may declare: its objects are missing from the
   * merge, so a reference into such a section is not checked (it could be a false "unknown").
   * A path or file that could not be read or parsed may declare any section.
   */
  const unchecked = new Set<Section>();
  const uncheckAll = () => SECTIONS.forEach((section) => unchecked.add(section));
  if (problems.some(isError)) uncheckAll();

  const texts = await mapBounded(files, MAX_OPEN_FILES, (file) => source.read(file));
  files.forEach((file, i) => {
    const read = texts[i]!;
    if (!read.ok) {
      problems.push(read.problem);
      uncheckAll();
      return;
    }
    const parsed = parseConfigText(file, read.text);
    problems.push(...parsed.problems);
    if (parsed.problems.some(isError)) uncheckAll();
    for (const doc of parsed.documents) {
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
      const schemaProblems = validateConfigData(doc.data, (path) => secret.has(pathKey(path)));
      for (const p of schemaProblems) {
        // A value whose substitution failed was already reported; its emptiness is no news.
        if (!unset.has(pathKey(p.path))) problems.push(error(p.message, doc.locate(p.path, p.atKey)));
      }
      // Only a document without any error is merged: a secret name must not become an address.
      if (schemaProblems.length === 0 && substitution.problems.length === 0 && secretNames === 0) {
        valid.push({ doc, config: doc.data as PortalctlConfig, secrets: substitution.secrets });
      } else {
        for (const section of sectionsOf(doc.data)) unchecked.add(section);
      }
    }
  });

  // Merge and cross-check what is valid, so that one run reports every problem it can find.
  const parts = buildDesired(valid);
  problems.push(...parts.problems);
  const desired: DesiredState = {
    state: parts.state,
    namespace: options.namespace ?? parts.namespace?.value ?? 'default',
    sections: parts.sections,
    lists: parts.lists,
    files,
  };
  if (parts.portal) desired.portal = parts.portal.value;
  problems.push(...checkSemantics(desired, await options.outside, unchecked));

  return problems.some(isError) ? { problems } : { desired, problems };
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
