import type { PortalctlConfig } from '../types/config.js';
import { address, SECTIONS, type AttrsByKind, type Kind, type Section } from '../model/kind.js';
import { specOf } from '../model/kinds/index.js';
import type { AnyResource, Resource } from '../model/resource.js';
import { State } from '../model/state.js';
import { childListKey } from '../model/scope.js';
import type { DataPath, ParsedDocument } from './parse.js';
import { error, formatPos, type Problem, type SourcePos } from '../diagnostics/problems.js';
import { quote } from '../diagnostics/quote.js';

/** A schema-valid document, with the data paths of its values that came from the environment. */
export interface ValidDocument {
  doc: ParsedDocument;
  config: PortalctlConfig;
  secretPaths: readonly DataPath[];
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

/**
 * Merges valid documents into one indexed desired state: every resource with its defaults, its
 * source position and its secret attributes. A second resource under an address already taken, or a
 * second, different namespace or portal, is a problem naming both places.
 */
export function buildDesired(documents: readonly ValidDocument[]): DesiredParts {
  const parts: DesiredParts = { state: new State(), sections: new Set(), lists: new Set(), problems: [] };

  for (const { doc, config, secretPaths } of documents) {
    const secretKeys = new Set(secretPaths.map((p) => p.join('\u0000')));

    const add = <K extends Kind>(kind: K, attrs: AttrsByKind[K], isProtected: boolean | undefined, path: DataPath) => {
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
      // Child lists have resources of their own: only this object's attributes count here.
      const secrets = secretAttrsUnder(secretKeys, path).filter((attr) => attr.split('.')[0]! in attrs);
      if (secrets.length > 0) resource.secretAttrs = secrets;
      const existing = parts.state.add(resource as unknown as AnyResource);
      if (existing) {
        parts.problems.push(
          error(`duplicate ${spec.noun} ${quote(key)}: already declared at ${formatPos(existing.source!)}`, resource.source),
        );
      }
    };

    for (const field of ['namespace', 'portal'] as const) {
      const value = config[field];
      if (value === undefined) continue;
      const at = doc.locate([field]);
      const seen = parts[field];
      if (!seen) parts[field] = { value, at };
      else if (seen.value !== value) {
        parts.problems.push(error(`${field} ${quote(value)} conflicts with ${quote(seen.value)} set at ${formatPos(seen.at)}`, at));
      }
    }
    for (const section of SECTIONS) if (config[section] !== undefined) parts.sections.add(section);

    config.auth_strategies?.forEach(({ protected: p, ...attrs }, i) => add('auth_strategy', attrs, p, ['auth_strategies', i]));

    const declareList = (parent: string, kind: Kind, list: unknown[] | undefined) => {
      if (list !== undefined) parts.lists.add(childListKey(parent, kind));
    };

    config.products?.forEach(({ protected: p, versions, ...attrs }, i) => {
      add('product', attrs, p, ['products', i]);
      declareList(address('product', attrs.name), 'product_version', versions);
      versions?.forEach(({ protected: vp, ...version }, j) =>
        add('product_version', { product: attrs.name, ...version }, vp, ['products', i, 'versions', j]),
      );
    });

    config.applications?.forEach(({ protected: p, registrations, credentials, ...attrs }, i) => {
      const application = attrs.reference_id;
      add('application', attrs, p, ['applications', i]);
      declareList(address('application', application), 'registration', registrations);
      declareList(address('application', application), 'credential', credentials);
      registrations?.forEach(({ protected: rp, ...registration }, j) =>
        add('registration', { application, ...registration }, rp, ['applications', i, 'registrations', j]),
      );
      credentials?.forEach(({ protected: cp, ...credential }, j) =>
        add('credential', { application, ...credential }, cp, ['applications', i, 'credentials', j]),
      );
    });
  }
  return parts;
}

/** The secret paths below `prefix`, relative to it and dot-separated (`owner.name`). */
function secretAttrsUnder(secretKeys: ReadonlySet<string>, prefix: DataPath): string[] {
  if (secretKeys.size === 0) return [];
  const head = prefix.join('\u0000') + '\u0000';
  const found: string[] = [];
  for (const key of secretKeys) if (key.startsWith(head)) found.push(key.slice(head.length).split('\u0000').join('.'));
  return found;
}
