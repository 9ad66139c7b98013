import type { SourcePos } from '../config/problems.js';
import type { AttrsByKind, Kind } from './kind.js';

/** One object of the portal, desired (from config) or live (from a backend), under its address. */
export interface Resource<K extends Kind = Kind> {
  kind: K;
  /** Key within the kind, e.g. `mobile-banking/billing/v1` for a registration. */
  key: string;
  /** `<kind>.<key>`, e.g. `registration.mobile-banking/billing/v1`. */
  address: string;
  attrs: AttrsByKind[K];
  /** Never deleted by portalctl. */
  protected: boolean;
  /** Where the config declares it (desired resources only). */
  source?: SourcePos;
  /** Attribute paths (dot-separated) whose values came from the environment: shown as (sensitive). */
  secretAttrs?: string[];
}

/** A resource of any kind, narrowed by its `kind`. */
export type AnyResource = { [K in Kind]: Resource<K> }[Kind];
