import type { Capabilities } from '../backends/backend.js';
import { unheldFields } from '../backends/capabilities.js';
import { parseConfigText, type DataPath, type ParsedDocument } from '../config/parse.js';
import { readConfigFile } from '../config/read.js';
import { ConfigError } from '../errors.js';
import type { SourcePos } from '../diagnostics/problems.js';
import { resolvePath } from '../model/attr-paths.js';
import { address, SECTIONS, type Kind, type Section } from '../model/kind.js';
import { SPECS, TOP_LEVEL } from '../model/kinds/index.js';
import type { DesiredState } from '../model/state.js';

/** A field the source declares that the target cannot hold: left out of the converted config. */
export interface DroppedField {
  address: string;
  /** Attribute path (`deprecated`, `protected`). */
  field: string;
  /** Where the source declares it. */
  at: SourcePos;
  /** Its value as the report may show it: `(sensitive)` when it came from the environment. */
  shown: string;
}

/** An application owner that cannot carry over: left out, so the target's default owner applies. */
export interface DroppedOwner {
  address: string;
  at: SourcePos;
  owner: { type: string; name: string };
}

export interface ConvertOptions {
  /** What the target cannot hold (its Capabilities' `unsupported`). */
  capabilities: Capabilities;
  /** The source's owners name accounts of the source portal only (classic: its session developer). */
  dropOwners: boolean;
}

export interface ConvertedConfig {
  /** Each section the source declares (an absent section stays absent: not managed), items as declared; a singleton's section is its one mapping. */
  sections: Partial<Record<Section, Record<string, unknown>[] | Record<string, unknown>>>;
  dropped: DroppedField[];
  owners: DroppedOwner[];
}

/**
 * The source config as the target can hold it: each file is read again as written (so values from
 * the environment stay `${{ env "NAME" }}` and defaults stay implicit), and from every object the
 * fields the target cannot hold are removed. `desired` is the same files loaded and validated: it
 * says which of those fields set more than their default (only those are worth a line in the report).
 */
export async function convertConfig(files: readonly string[], desired: DesiredState, options: ConvertOptions): Promise<ConvertedConfig> {
  const out: ConvertedConfig = { sections: {}, dropped: [], owners: [] };
  for (const file of files) {
    const read = await readConfigFile(file);
    if (!read.ok) throw new ConfigError([read.problem]); // it was readable a moment ago
    for (const doc of parseConfigText(file, read.text).documents) {
      const data = doc.data as Partial<Record<Section, Record<string, unknown>[] | Record<string, unknown>>> | null;
      if (data === null || typeof data !== 'object') continue;
      for (const kind of TOP_LEVEL) {
        const section = SPECS[kind].section;
        const items = data[section];
        if (items === undefined) continue;
        if (!Array.isArray(items)) {
          out.sections[section] = convertItem(kind, items, [section], {}, doc, desired, options, out);
          continue;
        }
        const into = (out.sections[section] ??= []) as Record<string, unknown>[];
        items.forEach((item, i) => into.push(convertItem(kind, item, [section, i], {}, doc, desired, options, out)));
      }
    }
  }
  return out;
}

function convertItem(
  kind: Kind,
  item: Record<string, unknown>,
  path: DataPath,
  inherited: Record<string, string>,
  doc: ParsedDocument,
  desired: DesiredState,
  options: ConvertOptions,
  out: ConvertedConfig,
): Record<string, unknown> {
  const spec = SPECS[kind];
  const copy = structuredClone(item);
  const key = spec.key({ ...inherited, ...item } as never);
  const addr = address(kind, key);
  const resource = desired.state.get(addr);
  const worthSaying = new Set(resource === undefined ? [] : unheldFields(resource, options.capabilities));

  for (const field of options.capabilities.unsupported?.[kind] ?? []) {
    const steps = resolvePath(copy, field.split('.'));
    if (steps === undefined) continue;
    let holder = copy;
    for (const step of steps.slice(0, -1)) holder = holder[step] as Record<string, unknown>;
    const last = steps[steps.length - 1]!;
    const value = holder[last];
    delete holder[last];
    if (!worthSaying.has(field)) continue; // a default: the target reads it back the same
    const secret = resource?.secretAttrs?.some((s) => s === field || s.startsWith(`${field}.`)) === true;
    out.dropped.push({ address: addr, field, at: doc.locate([...path, ...steps], true), shown: secret ? '(sensitive)' : JSON.stringify(value) });
  }

  if (kind === 'application' && options.dropOwners && copy.owner !== undefined) {
    out.owners.push({ address: addr, at: doc.locate([...path, 'owner'], true), owner: copy.owner as DroppedOwner['owner'] });
    delete copy.owner;
  }

  for (const child of spec.children) {
    const list = item[child.list] as Record<string, unknown>[] | undefined;
    if (list === undefined) continue; // an absent list is not managed: it stays absent
    const { parentField } = SPECS[child.kind].place as { parentField: string };
    copy[child.list] = list.map((childItem, j) => convertItem(child.kind, childItem, [...path, child.list, j], { [parentField]: key }, doc, desired, options, out));
  }
  return copy;
}

/** The sections in config order, for writing. */
export function sectionsOf(converted: ConvertedConfig): Section[] {
  return SECTIONS.filter((s) => converted.sections[s] !== undefined);
}
