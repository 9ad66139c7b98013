import { SECTIONS, type Section } from '../model/kind.js';
import type { State } from '../model/state.js';
import type { DesiredState } from '../model/state.js';
import { mapBounded, MAX_OPEN_FILES } from './bounded.js';
import { mergeDeclarations, type DocumentDeclarations } from './desired.js';
import { findConfigFiles, type FoundFiles } from './files.js';
import { checkInParallel, PARALLEL_THRESHOLD, type Job, type ParallelOptions } from './parse-pool.js';
import type { Problem } from '../diagnostics/problems.js';
import { readConfigFile, type ReadResult } from './read.js';
import { checkSemantics } from './semantics.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Only where the config takes values from the environment, not the values (dump --config): every
   * variable counts as set, values from the environment are not schema-checked, and references and
   * registration rules are not checked (each object's templates are all that is asked for).
   */
  templatesOnly?: boolean;
  /**
   * Live state to resolve references into sections the files do not declare (plan, apply). A promise
   * is awaited only once the files are read and parsed: the live state is read meanwhile.
   */
  outside?: State | Promise<State>;
  /** --namespace: overrides the config's, before references are checked against what the run keeps. */
  namespace?: string;
  /** Where the files are read from: the work tree (the default), or elsewhere (git's objects at a ref). */
  source?: ConfigSource;
  /** How the files are spread over threads; by default, worker threads from PARALLEL_THRESHOLD characters of config. */
  parallel?: ParallelOptions;
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
  const declarations: DocumentDeclarations[] = [];
  /**
   * Sections that a document which failed declares, or may declare: its objects are missing from the
   * merge, so a reference into such a section is not checked (it could be a false "unknown").
   * A path or file that could not be read or parsed may declare any section.
   */
  const unchecked = new Set<Section>();
  const uncheckAll = () => SECTIONS.forEach((section) => unchecked.add(section));
  if (problems.some(isError)) uncheckAll();

  const texts = await mapBounded(files, MAX_OPEN_FILES, (file) => source.read(file));
  const jobs: Job[] = [];
  for (const [i, read] of texts.entries()) if (read.ok) jobs.push({ index: jobs.length, file: files[i]!, text: read.text });
  const size = jobs.reduce((sum, job) => sum + job.text.length, 0);
  const checked = await checkInParallel(jobs, options.templatesOnly ? { templatesOnly: true } : { values: env }, options.parallel ?? (size >= PARALLEL_THRESHOLD ? {} : { workers: 0 }));

  let next = 0;
  for (const read of texts) {
    if (!read.ok) {
      problems.push(read.problem);
      uncheckAll();
      continue;
    }
    const result = checked[next++]!;
    problems.push(...result.problems);
    if (result.unreadable) uncheckAll();
    for (const section of result.unchecked) unchecked.add(section);
    declarations.push(...result.declarations);
  }

  // Merge and cross-check what is valid, so that one run reports every problem it can find.
  const parts = mergeDeclarations(declarations);
  problems.push(...parts.problems);
  const desired: DesiredState = {
    state: parts.state,
    namespace: options.namespace ?? parts.namespace?.value ?? 'default',
    sections: parts.sections,
    lists: parts.lists,
    files,
  };
  if (parts.portal) desired.portal = parts.portal.value;
  if (!options.templatesOnly) problems.push(...checkSemantics(desired, await options.outside, unchecked));

  return problems.some(isError) ? { problems } : { desired, problems };
}

function isError(problem: Problem): boolean {
  return problem.severity === 'error';
}
