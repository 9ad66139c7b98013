import type { PortalctlConfig } from '../types/config.js';
import { address, SECTIONS, type AttrsByKind, type Kind, type Section } from '../model/kind.js';
import { SPECS, specOf, TOP_LEVEL } from '../model/kinds/index.js';
import type { AnyResource, Resource } from '../model/resource.js';
import { State } from '../model/state.js';
import { childListKey } from '../model/scope.js';
import type { DataPath, ParsedDocument } from './parse.js';
import type { EnvSecret } from './env.js';
import { error, formatPos, type Problem, type SourcePos } from '../diagnostics/problems.js';
import { quote } from '../diagnostics/quote.js';
import { valueAtPath } from '../model/attr-paths.js';

/** A schema-valid document, with its values that came from the environment. */
export interface ValidDocument {
  doc: ParsedDocument;
  config: PortalctlConfig;
  secrets: readonly EnvSecret[];
}

export interface DesiredParts {
  state: State;
  namespace?: { value: string; at: SourcePos };
  portal?: { value: string; at: SourcePos };
  sections: Set<Section>;
  /** The child lists declared parents declare (childListKey): an absent list is not managed. */
  lists: Set<string>;
  problems: Problem[];
}

/** One object a document declares, in declaration order; `listed`: declared from the other side (listedOn). */
export interface Declared {
  resource: AnyResource;
  listed: boolean;
}

/**
 * What one valid document declares, as plain values (a worker thread makes it: see check-file.ts):
 * every object with its defaults, its source position and its secret attributes, and the document's
 * namespace, portal, sections and child lists.
 */
export interface DocumentDeclarations {
  declared: Declared[];
  namespace?: { value: string; at: SourcePos };
  portal?: { value: string; at: SourcePos };
  sections: Section[];
  lists: string[];
}

/**
 * Merges what documents declare, in their order, into one indexed desired state. A second object
 * under an address already taken, or a second, different namespace or portal, is a problem naming
 * both places.
 */
export function mergeDeclarations(documents: readonly DocumentDeclarations[]): DesiredParts {
  const parts: DesiredParts = { state: new State(), sections: new Set(), lists: new Set(), problems: [] };
  /** Objects declared from the other side (listedOn): declaring one in its own place too is no duplicate. */
  const listedFrom = new Set<string>();

  for (const document of documents) {
    for (const field of ['namespace', 'portal'] as const) {
      const stated = document[field];
      if (stated === undefined) continue;
      const seen = parts[field];
      if (!seen) parts[field] = stated;
      else if (seen.value !== stated.value) {
        parts.problems.push(error(`${field} ${quote(stated.value)} conflicts with ${quote(seen.value)} set at ${formatPos(seen.at)}`, stated.at));
      }
    }
    for (const section of document.sections) parts.sections.add(section);
    for (const list of document.lists) parts.lists.add(list);

    for (const { resource, listed } of document.declared) {
      if (listed) {
        // The same object as when declared in its own place: once is enough, from either side.
        if (parts.state.has(resource.address)) continue;
        parts.state.add(resource);
        listedFrom.add(resource.address);
        continue;
      }
      const existing = parts.state.add(resource);
      if (existing && !listedFrom.has(existing.address)) {
        parts.problems.push(
          error(`duplicate ${specOf(resource.kind).noun} ${quote(resource.key)}: already declared at ${formatPos(existing.source!)}`, resource.source),
        );
      }
    }
  }
  return parts;
}

/** What one schema-valid document declares (no other document is needed: a worker thread can do it). */
export function declareDocument({ doc, config, secrets: documentSecrets }: ValidDocument): DocumentDeclarations {
  const out: DocumentDeclarations = { declared: [], sections: [], lists: [] };
  const secretKeys = new Map(documentSecrets.map((x) => [x.path.join('\u0000'), x.template]));

  /** Declares one object; returns its key. */
  const add = <K extends Kind>(kind: K, attrs: AttrsByKind[K], isProtected: boolean | undefined, path: DataPath, listed = false): string => {
    const spec = specOf(kind);
    const key = spec.key(attrs);
    const resource = {
      kind,
      key,
      address: address(kind, key),
      attrs: spec.withDefaults(attrs),
      protected: isProtected === true,
      source: doc.locate(path),
    } as Resource<K>;
    const stated = (spec.locatedFields ?? []).filter((field) => valueAtPath(attrs, field) !== undefined);
    if (stated.length > 0) resource.fieldSources = Object.fromEntries(stated.map((field) => [field, doc.locate([...path, ...field.split('.')])]));
    // Child lists have resources of their own: only this object's attributes count here.
    const secrets = secretAttrsUnder(secretKeys, path).filter(([attr]) => attr.split('.')[0]! in attrs);
    if (secrets.length > 0) {
      resource.secretAttrs = secrets.map(([attr]) => attr);
      resource.envTemplates = Object.fromEntries(secrets);
    }
    out.declared.push({ resource: resource as unknown as AnyResource, listed });
    return key;
  };

  for (const field of ['namespace', 'portal'] as const) {
    const value = config[field];
    if (value !== undefined) out[field] = { value, at: doc.locate([field]) };
  }
  for (const section of SECTIONS) if (config[section] !== undefined) out.sections.push(section);

  // Every object the document declares, kind by kind as the registry places them: a top-level
  // section, or a list under each object of its parent kind (which gives it the parent's key).
  const declare = (kind: Kind, item: Record<string, unknown>, path: DataPath, inherited: Record<string, string>) => {
    const spec = SPECS[kind];
    // Its attributes: the item without `protected` and the lists that declare other objects (the
    // schema closes every item, so no key here is `__proto__`).
    const attrs: Record<string, unknown> = { ...inherited };
    const notAttributes = NOT_ATTRIBUTES.get(kind)!;
    for (const field of Object.keys(item)) if (!notAttributes.has(field)) attrs[field] = item[field];
    const key = add(kind, attrs as AttrsByKind[Kind], item.protected as boolean | undefined, path);
    // Objects declared from the other side (a developer's teams): one per listed key, the same
    // object as when declared in its own place, so declaring it in both is no duplicate.
    for (const listed of LISTED_ON.get(kind) ?? []) {
      const names = item[listed.list] as string[] | undefined;
      if (names === undefined) continue;
      out.lists.push(childListKey(address(kind, key), listed.kind));
      names.forEach((name, j) => {
        const other = { [listed.field]: key, [listed.itemField]: name } as AttrsByKind[Kind];
        add(listed.kind, other, undefined, [...path, listed.list, j], true);
      });
    }
    for (const child of spec.children) {
      const list = item[child.list] as Record<string, unknown>[] | undefined;
      if (list === undefined) continue; // an absent list is not managed; [] means none
      out.lists.push(childListKey(address(kind, key), child.kind));
      const { parentField } = SPECS[child.kind].place as { parentField: string };
      list.forEach((childItem, j) => declare(child.kind, childItem, [...path, child.list, j], { [parentField]: key }));
    }
  };
  for (const kind of TOP_LEVEL) {
    const section = SPECS[kind].section;
    const declared = config[section] as Record<string, unknown>[] | Record<string, unknown> | undefined;
    // A singleton's section is the one object itself (a mapping), a list's each of its items.
    if (Array.isArray(declared)) declared.forEach((item, i) => declare(kind, item, [section, i], {}));
    else if (declared !== undefined) declare(kind, declared, [section], {});
  }
  return out;
}

/** The secret paths below `prefix`, relative to it and dot-separated (`owner.name`), with their templates. */
function secretAttrsUnder(secretKeys: ReadonlyMap<string, string>, prefix: DataPath): [string, string][] {
  if (secretKeys.size === 0) return [];
  const head = prefix.join('\u0000') + '\u0000';
  const found: [string, string][] = [];
  for (const [key, template] of secretKeys) if (key.startsWith(head)) found.push([key.slice(head.length).split('\u0000').join('.'), template]);
  return found;
}

/** What each kind's objects declare of other kinds (listedOn): a developer's teams declare team members. */
const LISTED_ON = (() => {
  const byKind = new Map<Kind, { kind: Kind; list: string; field: string; itemField: string }[]>();
  for (const k of Object.keys(SPECS) as Kind[]) {
    const on = SPECS[k].listedOn;
    if (on !== undefined) byKind.set(on.kind, [...(byKind.get(on.kind) ?? []), { kind: k, list: on.list, field: on.field, itemField: on.itemField }]);
  }
  return byKind;
})();

/** The fields of each kind's config items that are not its attributes: `protected`, and lists of other objects. */
const NOT_ATTRIBUTES = new Map(
  (Object.keys(SPECS) as Kind[]).map((kind) => [kind, new Set(['protected', ...SPECS[kind].children.map((c) => c.list), ...(LISTED_ON.get(kind) ?? []).map((l) => l.list)])]),
);
