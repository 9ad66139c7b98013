import type { SourcePos } from '../diagnostics/problems.js';
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
  /** Where the config states each of its kind's `locatedFields` it sets, by dot path (desired resources only). */
  fieldSources?: Record<string, SourcePos>;
  /** Attribute paths (dot-separated) whose values came from the environment: shown as (sensitive). */
  secretAttrs?: string[];
  /** The config text of each secret attribute (`${{ env "NAME" }}`), by path: how a saved plan names it without holding it. */
  envTemplates?: Record<string, string>;
  /** What the backend knows of a live resource. */
  live?: LiveMeta;
}

/** Backend facts about a live resource. */
export interface LiveMeta {
  id: string;
  /** The namespace label it carries (for child kinds, its parent's); undefined when unlabelled. */
  owner?: string;
  /** A credential's key as the portal reports it (rotation and expiry warnings). */
  key?: KeyFacts;
}

/** When a credential's key was made and when it expires, and its status (`active`, `expired`, `revoked`), as far as the portal says. */
export interface KeyFacts {
  created_at?: string;
  expires_at?: string;
  status?: string;
}

/** A resource of any kind, narrowed by its `kind`. */
export type AnyResource = { [K in Kind]: Resource<K> }[Kind];
